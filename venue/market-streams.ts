// Binance's spot WebSocket market streams, on the venue's HTTP port (the `upgrade` event), enough for
// ccxt.pro's unmodified `binance` class to watchOrderBook and watchTrades (see docs/venue-server.md):
//   - endpoints: raw `/ws` and `/ws/<stream>` (events as they are), combined `/stream` and
//     `/stream?streams=<a>/<b>` (events wrapped as {stream, data}). ccxt connects to `/ws/<n>` (n a
//     connection index, not a stream name: ignored, as Binance does) and subscribes by message;
//   - requests: SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS / SET_PROPERTY / GET_PROPERTY
//     (`combined`), answered {result, id}; errors {error: {code, msg}, id}, Binance's codes (1 bad
//     value type, 2 invalid request, 3 invalid JSON);
//   - streams: `<symbol>@depth@100ms` and `<symbol>@depth` (= @1000ms) diff-depth (depth-diffs.ts:
//     U/u share the REST depth's lastUpdateId), `<symbol>@trade` and `<symbol>@aggTrade` as each
//     trade is replayed;
//   - keep-alive: a ping frame every 20 s; a connection with no pong for a minute is cut (Binance's
//     rule); the `ws` package answers the client's pings;
//   - faults: `ws_drop` (faults.ts) cuts connections, so clients' reconnect logic gets exercised.
// Not modelled: the 5 messages/s inbound limit, the 24 h connection lifetime, serverShutdown,
// partial book depth, tickers, klines, bookTicker and user data streams.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { Side, type SideValue } from '../runtime/events.js';
import { aggTradeEvent, depthUpdate, tradeEvent } from './binance-format.js';
import { DepthDiffs, type DepthDiff } from './depth-diffs.js';
import type { FaultControl } from './faults.js';
import type { FeedListener, MarketFeed, PublicTrade } from './market-feed.js';

export const STREAM_CHANNELS = ['depth@100ms', 'depth@1000ms', 'trade', 'aggTrade'] as const;
export type StreamChannel = (typeof STREAM_CHANNELS)[number];
export type StreamEndpoint = '/ws' | '/stream';

export interface MarketStreamsOptions {
  feed: MarketFeed;
  faults: FaultControl;
  /** Wall clock (ms): event times and keep-alive. */
  clock: () => number;
  /** Ping frame interval (default 20 s, Binance's). */
  pingIntervalMs?: number;
  /** A connection without a pong for this long is cut (default 60 s). */
  pongTimeoutMs?: number;
}

export interface MarketStreamsStats {
  connections: number;
  subscriptions: number;
  /** Connections opened since the start (reconnects show here). */
  accepted: number;
  /** Connections cut by `ws_drop`. */
  dropped: number;
}

interface Subscription {
  market: number;
  channel: StreamChannel;
}

interface Connection {
  ws: WebSocket;
  endpoint: StreamEndpoint;
  combined: boolean;
  /** By stream name as the client wrote it (the name combined events carry). */
  streams: Map<string, Subscription>;
  lastPongMs: number;
}

/** The streams' tick: the diff-depth rate. */
const TICK_MS = 100;
const SLOW_DEPTH_EVERY = 10;
const MAX_STREAMS_PER_CONNECTION = 1024;

class RequestError extends Error {
  constructor(
    readonly code: 0 | 1 | 2 | 3,
    message: string,
  ) {
    super(message);
  }
}

export class MarketStreams implements FeedListener {
  private readonly feed: MarketFeed;
  private readonly faults: FaultControl;
  private readonly clock: () => number;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, perMessageDeflate: false });
  private readonly connections = new Set<Connection>();
  private readonly fast: DepthDiffs;
  private readonly slow: DepthDiffs;
  /** Market ids in lower case (stream names are lower case) → market index. */
  private readonly marketByStreamId = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private readonly pingIntervalMs: number;
  private readonly pongTimeoutMs: number;
  private ticks = 0;
  private lastPingMs: number;
  private accepted = 0;
  private dropped = 0;
  private closed = false;

  constructor(options: MarketStreamsOptions) {
    this.feed = options.feed;
    this.faults = options.faults;
    this.clock = options.clock;
    this.pingIntervalMs = options.pingIntervalMs ?? 20_000;
    this.pongTimeoutMs = options.pongTimeoutMs ?? 60_000;
    this.lastPingMs = this.clock();
    const n = this.feed.markets.length;
    this.fast = new DepthDiffs((m) => this.feed.book(m), n, this.feed.lastUpdateId);
    this.slow = new DepthDiffs((m) => this.feed.book(m), n, this.feed.lastUpdateId);
    for (const m of this.feed.markets) this.marketByStreamId.set(m.id.toLowerCase(), m.index);
    this.feed.addListener(this);
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  stats(): MarketStreamsStats {
    let subscriptions = 0;
    for (const c of this.connections) subscriptions += c.streams.size;
    return { connections: this.connections.size, subscriptions, accepted: this.accepted, dropped: this.dropped };
  }

  /** The HTTP server's `upgrade` event. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://venue');
    const path = url.pathname;
    const endpoint: StreamEndpoint | undefined = path === '/ws' || path.startsWith('/ws/') ? '/ws' : path === '/stream' ? '/stream' : undefined;
    if (this.closed || endpoint === undefined) {
      reject(socket, 404, 'Not Found');
      return;
    }
    const initial = new Map<string, Subscription>();
    if (endpoint === '/ws') {
      // /ws/<streamName>; anything else after /ws/ (ccxt's connection index) is ignored.
      const name = decodeURIComponent(path.slice(4));
      const sub = name ? this.parseStream(name) : undefined;
      if (sub) initial.set(name, sub);
    } else {
      for (const name of (url.searchParams.get('streams') ?? '').split('/').filter((s) => s !== '')) {
        const sub = this.parseStream(name);
        if (!sub) {
          reject(socket, 400, 'Bad Request');
          return;
        }
        initial.set(name, sub);
      }
    }
    if (this.faults.streamDrop(endpoint)) {
      this.dropped++;
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept({ ws, endpoint, combined: endpoint === '/stream', streams: initial, lastPongMs: this.clock() }));
  }

  /** Cuts every connection and stops the tick. */
  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    for (const c of this.connections) c.ws.terminate();
    this.connections.clear();
    this.wss.close();
  }

  // ------------------------------------------------------------------ FeedListener

  onLevel(market: number, side: SideValue, priceTicks: number): void {
    this.fast.touch(market, side, priceTicks);
    this.slow.touch(market, side, priceTicks);
  }

  onBookClear(market: number): void {
    this.fast.cleared(market);
    this.slow.cleared(market);
  }

  onTrade(market: number, aggressor: SideValue, priceTicks: number, qty: number, timeMs: number, tradeId: number): void {
    if (this.connections.size === 0) return;
    const m = this.feed.markets[market];
    if (!m) return;
    const trade: PublicTrade = { id: tradeId, price: priceTicks * m.tickSize, qty, buyerIsMaker: aggressor === Side.Ask, timeMs };
    const now = this.clock();
    this.publish(market, 'trade', () => tradeEvent(m, trade, now));
    this.publish(market, 'aggTrade', () => aggTradeEvent(m, trade, now));
  }

  onMessageEnd(): void {}

  onLoop(): void {
    this.fast.clearedAll();
    this.slow.clearedAll();
  }

  // ------------------------------------------------------------------ internals

  private accept(c: Connection): void {
    if (this.closed) {
      c.ws.terminate();
      return;
    }
    this.accepted++;
    this.connections.add(c);
    c.ws.on('message', (data: Buffer) => this.onRequest(c, data));
    c.ws.on('pong', () => {
      c.lastPongMs = this.clock();
    });
    c.ws.on('close', () => this.connections.delete(c));
    c.ws.on('error', () => this.connections.delete(c));
  }

  private tick(): void {
    try {
      this.feed.advance();
    } catch {
      return; // the server's own timer logs replay failures
    }
    this.ticks++;
    const now = this.clock();
    const updateId = this.feed.lastUpdateId;
    for (const m of this.feed.markets) {
      this.publishDepth(m.index, 'depth@100ms', this.fast.drain(m.index, updateId), now);
      if (this.ticks % SLOW_DEPTH_EVERY === 0) this.publishDepth(m.index, 'depth@1000ms', this.slow.drain(m.index, updateId), now);
    }
    const ping = now - this.lastPingMs >= this.pingIntervalMs;
    if (ping) this.lastPingMs = now;
    for (const c of this.connections) {
      if (this.faults.streamDrop(c.endpoint)) {
        this.dropped++;
        this.cut(c);
      } else if (now - c.lastPongMs > this.pongTimeoutMs) {
        this.cut(c);
      } else if (ping) {
        c.ws.ping();
      }
    }
  }

  private cut(c: Connection): void {
    this.connections.delete(c);
    c.ws.terminate();
  }

  private publishDepth(market: number, channel: StreamChannel, diff: DepthDiff | undefined, now: number): void {
    const m = this.feed.markets[market];
    if (diff && m) this.publish(market, channel, () => depthUpdate(m, diff, now));
  }

  /** Sends an event to every subscriber of (market, channel); builds it only if someone listens. */
  private publish(market: number, channel: StreamChannel, event: () => unknown): void {
    let raw: string | undefined;
    let data: unknown;
    for (const c of this.connections) {
      for (const [name, sub] of c.streams) {
        if (sub.market !== market || sub.channel !== channel) continue;
        data ??= event();
        if (c.combined) c.ws.send(JSON.stringify({ stream: name, data }));
        else c.ws.send((raw ??= JSON.stringify(data)));
      }
    }
  }

  /** `btcusdt@depth@100ms` → its market and channel; undefined when the venue has no such stream. */
  private parseStream(name: string): Subscription | undefined {
    const at = name.indexOf('@');
    if (at <= 0) return undefined;
    const market = this.marketByStreamId.get(name.slice(0, at));
    if (market === undefined || name.slice(0, at) !== name.slice(0, at).toLowerCase()) return undefined;
    const rest = name.slice(at + 1);
    const channel: StreamChannel | undefined =
      rest === 'depth@100ms' ? 'depth@100ms' : rest === 'depth' || rest === 'depth@1000ms' ? 'depth@1000ms' : rest === 'trade' ? 'trade' : rest === 'aggTrade' ? 'aggTrade' : undefined;
    return channel === undefined ? undefined : { market, channel };
  }

  private onRequest(c: Connection, data: Buffer): void {
    let id: unknown = null;
    try {
      let msg: unknown;
      try {
        msg = JSON.parse(data.toString('utf8'));
      } catch (err) {
        throw new RequestError(3, `Invalid JSON: ${(err as Error).message}`);
      }
      if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) throw new RequestError(2, 'Invalid request: expected an object with "method", "params" and "id"');
      const req = msg as { method?: unknown; params?: unknown; id?: unknown };
      if (req.id !== undefined && req.id !== null && !(Number.isSafeInteger(req.id) || (typeof req.id === 'string' && /^[A-Za-z0-9-]{1,36}$/.test(req.id)))) {
        throw new RequestError(2, 'Invalid request: request ID must be an integer, an alphanumeric string of at most 36 characters, or null');
      }
      id = req.id ?? null;
      c.ws.send(JSON.stringify({ result: this.perform(c, req.method, req.params), id }));
    } catch (err) {
      if (!(err instanceof RequestError)) throw err;
      c.ws.send(JSON.stringify({ error: { code: err.code, msg: err.message }, id }));
    }
  }

  private perform(c: Connection, method: unknown, params: unknown): unknown {
    const names = (): string[] => {
      if (!Array.isArray(params) || !params.every((p) => typeof p === 'string')) throw new RequestError(1, 'Invalid value type: expected a list of stream names');
      return params as string[];
    };
    switch (method) {
      case 'SUBSCRIBE': {
        const wanted = names().map((name) => {
          const sub = this.parseStream(name);
          if (!sub) throw new RequestError(2, `Invalid request: unknown stream "${name}"`);
          return [name, sub] as const;
        });
        const total = new Set([...c.streams.keys(), ...wanted.map(([n]) => n)]).size;
        if (total > MAX_STREAMS_PER_CONNECTION) throw new RequestError(2, `Invalid request: at most ${MAX_STREAMS_PER_CONNECTION} streams per connection`);
        for (const [name, sub] of wanted) c.streams.set(name, sub);
        return null;
      }
      case 'UNSUBSCRIBE':
        for (const name of names()) c.streams.delete(name);
        return null;
      case 'LIST_SUBSCRIPTIONS':
        return [...c.streams.keys()];
      case 'SET_PROPERTY': {
        if (!Array.isArray(params) || params[0] !== 'combined') throw new RequestError(0, 'Unknown property');
        if (typeof params[1] !== 'boolean') throw new RequestError(1, 'Invalid value type: expected Boolean');
        c.combined = params[1];
        return null;
      }
      case 'GET_PROPERTY':
        if (!Array.isArray(params) || params[0] !== 'combined') throw new RequestError(0, 'Unknown property');
        return c.combined;
      default:
        throw new RequestError(2, `Invalid request: unknown variant ${JSON.stringify(method)}, expected one of SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS, SET_PROPERTY, GET_PROPERTY`);
    }
  }
}

function reject(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
