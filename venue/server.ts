// The loopback venue: a fastify server that speaks enough of Binance's spot REST API for ccxt's
// unmodified `binance` class to trade against it (see docs/venue-server.md). It replays recorded
// (or simulated) market data in wall-clock time, matches orders by the backtest's rules, keeps
// balances, limits request weight per API key, and injects faults on request.
//
// The same port serves Binance's WebSocket market streams (market-streams.ts) on `upgrade`.
//
// Every Binance route goes through one wrapper, in this order: faults that hit before the venue
// acts (latency; then 429, 5xx, hold-forever or connection reset), parameter parsing, the weight
// limit, the SIGNED checks, catching the replay up to now, the handler, and the drop-after fault.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Account, Accounts, DEFAULT_BALANCES, DEFAULT_FEES, type FeeRates } from './accounts.js';
import { binanceRoutes, type RouteDef } from './binance-routes.js';
import { registerControlRoutes } from './control-routes.js';
import { BinanceError, binanceErrors } from './errors.js';
import { FaultControl, type FaultSpec } from './faults.js';
import { MarketFeed } from './market-feed.js';
import { MarketStreams } from './market-streams.js';
import { loadMarketSource } from './market-source.js';
import { Matcher } from './matcher.js';
import { Params } from './params.js';
import { DEFAULT_WEIGHT_PER_MINUTE, WeightLimiter } from './rate-limit.js';
import { verifySigned } from './signing.js';

export interface VenueServerOptions {
  /** Interface to listen on (default 127.0.0.1: the venue is a loopback tool). */
  host?: string;
  /** Port (default 0: a free one). */
  port?: number;
  /** Binance spot capture files or folders; without them, a simulated BTC/USDT market. */
  data?: string | readonly string[];
  /** Credentials of the one account; default QUOIN_VENUE_KEY / QUOIN_VENUE_SECRET, else a generated demo pair. */
  apiKey?: string;
  secret?: string;
  /** Faults active from the start. */
  faults?: readonly FaultSpec[];
  /** Wall clock in ms (default Date.now); the venue's serverTime and replay pace follow it. */
  clock?: () => number;
  /** Recorded seconds per wall second (default 1). */
  speed?: number;
  /** Fee rates as fractions of notional (default 0.1 % / 0.1 %, Binance's base tier). */
  fees?: FeeRates;
  /** Starting balances (default 100000 USDT, 10 BTC, 100 ETH). */
  balances?: Readonly<Record<string, number>>;
  /** REQUEST_WEIGHT per minute per API key (default 6000, Binance's). */
  weightPerMinute?: number;
  /** Seed of the simulated market and of random faults (default 1). */
  seed?: number;
  /** Start price of the simulated market (default 60000). */
  simulatedStartPrice?: number;
  /** Log every request (fastify's JSON logger). */
  logger?: boolean;
}

export interface VenueServer {
  /** http://host:port */
  url: string;
  apiKey: string;
  secret: string;
  /** Where the credentials came from. */
  credentialsFrom: 'options' | 'environment' | 'generated';
  faults: FaultControl;
  feed: MarketFeed;
  matcher: Matcher;
  /** The WebSocket market streams (ws://host:port/ws, /stream). */
  streams: MarketStreams;
  /** Binance requests answered or refused so far, by "METHOD /path" (e.g. "GET /api/v3/depth"). */
  requestCount(method: string, path: string): number;
  /** What the market is (files or simulation). */
  marketDescription: string;
  close(): Promise<void>;
}

/** How often the replay catches up while no request comes in. */
const ADVANCE_EVERY_MS = 25;

export async function startVenueServer(options: VenueServerOptions = {}): Promise<VenueServer> {
  const clock = options.clock ?? Date.now;
  const creds = credentials(options);
  const source = await loadMarketSource(options.data, { seed: options.seed ?? 1, durationSec: 3600, startPrice: options.simulatedStartPrice ?? 60_000 });
  const feed = new MarketFeed({ batch: source.batch, markets: source.markets, clock, speed: options.speed ?? 1 });
  const faults = new FaultControl(options.faults ?? [], options.seed ?? 1);
  const matcher = new Matcher({ feed, clock, rejectOrder: () => faults.rejectOrder(), fillFraction: () => faults.fillFraction() });
  const streams = new MarketStreams({ feed, faults, clock });
  const accounts = new Accounts();
  accounts.add(new Account(creds.apiKey, creds.secret, options.balances ?? DEFAULT_BALANCES, options.fees ?? DEFAULT_FEES));
  const weightPerMinute = options.weightPerMinute ?? DEFAULT_WEIGHT_PER_MINUTE;
  const limiter = new WeightLimiter(weightPerMinute);

  const app = Fastify({ logger: options.logger === true, forceCloseConnections: true });
  // Bodies are read as text: Binance's are form-encoded and part of what is signed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  const held = new Set<Socket>();
  const requests = new Map<string, number>();
  app.server.on('upgrade', (req, socket, head) => streams.handleUpgrade(req, socket, head));

  for (const route of binanceRoutes({ feed, matcher, weightPerMinute })) {
    app.route({
      method: route.method,
      url: route.path,
      handler: (req, reply) => handle(route, req, reply),
    });
  }
  registerControlRoutes(app, { faults, feed, clock, streams });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ code: -1000, msg: `No such endpoint: ${req.method} ${req.url.split('?')[0] ?? ''}` });
  });
  app.setErrorHandler((error, _req, reply) => {
    // Framework-level failures (body too large, aborted upload) in Binance's shape; never a bare 500.
    const err = error as { statusCode?: unknown; message?: string };
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    void reply.code(status).send(status === 500 ? binanceErrors.unknown().toJSON() : { code: -1000, msg: err.message ?? 'bad request' });
  });

  async function handle(route: RouteDef, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const method = req.method;
    const path = route.path;
    const key = `${method} ${path}`;
    requests.set(key, (requests.get(key) ?? 0) + 1);
    const delay = faults.latencyMs(method, path);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const injected = faults.requestFault(method, path);
    if (injected?.kind === 'timeout') {
      // Never answered: the client's own timeout is what ends it (or the server's close).
      void reply.hijack();
      const socket = req.raw.socket;
      held.add(socket);
      socket.once('close', () => held.delete(socket));
      return;
    }
    if (injected?.kind === 'drop') {
      void reply.hijack();
      req.raw.socket.destroy();
      return;
    }
    if (injected?.kind === 'server_error') {
      void reply.code(injected.status).type('text/html').send(`<html><body><h1>${injected.status} ${statusText(injected.status)}</h1></body></html>`);
      return;
    }
    let body: unknown;
    let status = 200;
    const headers: Record<string, string> = {};
    try {
      if (injected?.kind === 'rate_limit') throw binanceErrors.tooManyRequests(injected.retryAfterSec);
      const rawQuery = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
      const rawBody = typeof req.body === 'string' ? req.body : '';
      const params = new Params([rawQuery, rawBody]);
      const nowMs = clock();
      const apiKeyHeader = headerValue(req.headers['x-mbx-apikey']);
      const weight = safeWeight(route, params);
      const check = limiter.charge(apiKeyHeader ?? req.ip, weight, nowMs);
      headers['x-mbx-used-weight'] = String(check.usedWeight);
      headers['x-mbx-used-weight-1m'] = String(check.usedWeight);
      if (!check.allowed) throw binanceErrors.tooMuchWeight(weightPerMinute, check.retryAfterSec);
      let account: Account | undefined;
      if (route.signed) {
        const key = verifySigned({ apiKeyHeader, rawQuery, rawBody, params, nowMs }, (k) => accounts.get(k));
        account = accounts.get(key);
      }
      feed.advance();
      body = route.handle({ params, nowMs, account });
    } catch (err) {
      const e = err instanceof BinanceError ? err : logged(req, err);
      status = e.status;
      body = e.toJSON();
      Object.assign(headers, e.headers);
    }
    if (status === 200 && faults.dropAfter(method, path)) {
      // The action took effect; the client sees only a reset connection.
      void reply.hijack();
      req.raw.socket.destroy();
      return;
    }
    void reply.code(status).headers(headers).send(body);
  }

  function logged(req: FastifyRequest, err: unknown): BinanceError {
    req.log.error({ err }, 'venue: unexpected error');
    return binanceErrors.unknown();
  }

  const timer = setInterval(() => {
    try {
      feed.advance();
    } catch (err) {
      app.log.error({ err }, 'venue: replay failed');
    }
  }, ADVANCE_EVERY_MS);
  timer.unref();

  try {
    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  } catch (err) {
    clearInterval(timer);
    streams.close();
    await app.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host ?? '127.0.0.1';
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    apiKey: creds.apiKey,
    secret: creds.secret,
    credentialsFrom: creds.from,
    faults,
    feed,
    matcher,
    streams,
    requestCount: (method, path) => requests.get(`${method.toUpperCase()} ${path}`) ?? 0,
    marketDescription: source.description,
    close: () => {
      closed ??= (async () => {
        clearInterval(timer);
        streams.close();
        for (const s of held) s.destroy();
        await closeQuietly(app);
      })();
      return closed;
    },
  };
}

async function closeQuietly(app: FastifyInstance): Promise<void> {
  await app.close();
}

function safeWeight(route: RouteDef, params: Params): number {
  try {
    return route.weight(params);
  } catch {
    return 1; // a malformed parameter is reported by the handler, with the parameter's name
  }
}

function headerValue(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h[0] : h;
}

function statusText(status: number): string {
  return status === 500 ? 'Internal Server Error' : status === 502 ? 'Bad Gateway' : status === 503 ? 'Service Unavailable' : 'Gateway Timeout';
}

function credentials(o: VenueServerOptions): { apiKey: string; secret: string; from: VenueServer['credentialsFrom'] } {
  const checked = (apiKey: string, secret: string, from: VenueServer['credentialsFrom'], where: string) => {
    // Binance keys are alphanumeric; anything else could never pass the X-MBX-APIKEY check.
    if (!/^[A-Za-z0-9]{1,128}$/.test(apiKey)) throw new RangeError(`venue: the API key ${where} must be 1–128 letters and digits`);
    return { apiKey, secret, from };
  };
  if (o.apiKey && o.secret) return checked(o.apiKey, o.secret, 'options', 'given');
  const envKey = process.env.QUOIN_VENUE_KEY;
  const envSecret = process.env.QUOIN_VENUE_SECRET;
  if (envKey && envSecret) return checked(envKey, envSecret, 'environment', 'in QUOIN_VENUE_KEY');
  // Binance keys are 64 alphanumerics.
  return { apiKey: randomBytes(32).toString('hex'), secret: randomBytes(32).toString('hex'), from: 'generated' };
}
