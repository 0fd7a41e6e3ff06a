// The venue's WebSocket market streams: ccxt.pro's unmodified binance class (watchOrderBook,
// watchTrades) against them, the raw protocol, reconnects after a cut connection, and CcxtVenue's
// `streams: true` (streamed books, no REST depth calls once warm, REST while the stream is down).
// Real BTC/USDT data when ../shared/data is there (speed 5), else the simulated market.
import path from 'node:path';
import ccxt from 'ccxt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CcxtVenue, loadCcxt } from '../../runtime/venue/ccxt-venue.js';

// Venues are made synchronously in these tests: load ccxt once up front.
await loadCcxt();
import { loopbackBinanceOptions } from '../../venue/ccxt-options.js';
import type { FaultSpec } from '../../venue/faults.js';
import type { VenueServer } from '../../venue/server.js';
import { hasSpotData, sleep, SPOT_DIR, startVenue } from './helpers.js';

const SYMBOL = 'BTC/USDT';

/** The venue's clock: wall pace while running, frozen while paused (the replay and the streams stop). */
class TestClock {
  private t = Date.now();
  private last = Date.now();
  private running = true;
  readonly now = (): number => {
    if (this.running) {
      const n = Date.now();
      this.t += n - this.last;
      this.last = n;
    }
    return this.t;
  };
  pause(): void {
    this.now();
    this.running = false;
  }
  resume(): void {
    this.last = Date.now();
    this.running = true;
  }
}

type Level = [number, number];
interface RestDepth {
  lastUpdateId: number;
  bids: Level[];
  asks: Level[];
}

async function restDepth(venue: VenueServer, limit: number): Promise<RestDepth> {
  const res = await fetch(`${venue.url}/api/v3/depth?symbol=BTCUSDT&limit=${limit}`);
  const body = (await res.json()) as { lastUpdateId: number; bids: string[][]; asks: string[][] };
  const levels = (l: string[][]): Level[] => l.map(([p, q]) => [Number(p), Number(q)]);
  return { lastUpdateId: body.lastUpdateId, bids: levels(body.bids), asks: levels(body.asks) };
}

/** Freezes the replay where it is now: catches it up to the paused clock. */
function freeze(clock: TestClock, venue: VenueServer): void {
  clock.pause();
  venue.feed.advance();
}

async function until(what: string, ok: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function inject(venue: VenueServer, spec: FaultSpec): Promise<number> {
  const res = await fetch(`${venue.url}/_quoin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });
  const { added } = (await res.json()) as { added: Array<{ id: number }> };
  return added[0]?.id ?? 0;
}

function proClient(venue: VenueServer): InstanceType<typeof ccxt.pro.binance> {
  return new ccxt.pro.binance(loopbackBinanceOptions(venue.url, venue.apiKey, venue.secret));
}

/** ccxt.pro's live book for the symbol (mutated in place by the stream). */
function liveBook(ex: InstanceType<typeof ccxt.pro.binance>): { nonce?: number; bids: Level[]; asks: Level[] } | undefined {
  return (ex.orderbooks as unknown as Record<string, { nonce?: number; bids: Level[]; asks: Level[] } | undefined>)[SYMBOL];
}

const top = (levels: ArrayLike<Level>, n: number): Level[] => Array.from({ length: Math.min(n, levels.length) }, (_, i) => [Number(levels[i]?.[0]), Number(levels[i]?.[1])]);

describe(`venue WebSocket streams (${hasSpotData ? 'BTC/USDT 2024-08-08, speed 5' : 'simulated market'})`, () => {
  let venue: VenueServer;
  const clock = new TestClock();
  beforeAll(async () => {
    venue = await startVenue(hasSpotData ? { data: path.join(SPOT_DIR, 'btcusdt_20240808.gz'), speed: 5, clock: clock.now } : { seed: 5, speed: 5, clock: clock.now });
  });
  afterEach(() => {
    venue.faults.clear();
    clock.resume();
  });
  afterAll(async () => {
    await venue.close();
  });

  it('ccxt.pro watchOrderBook: equal to the REST snapshot at the same update id, and follows the replay', async () => {
    const ex = proClient(venue);
    try {
      const first = await ex.watchOrderBook(SYMBOL);
      expect(first.bids.length).toBeGreaterThanOrEqual(10); // the simulated market shows 10 levels a side
      const nonces: number[] = [];
      const bests = new Set<string>();
      for (let round = 0; round < 5; round++) {
        // Let the replay run, then freeze it: once the stream's last event is out, the book the
        // stream built and the REST snapshot describe the same update id.
        await sleep(400);
        freeze(clock, venue);
        await until('the stream to catch up', () => liveBook(ex)?.nonce === venue.feed.lastUpdateId);
        const streamed = liveBook(ex);
        const rest = await restDepth(venue, 100);
        expect(streamed?.nonce).toBe(rest.lastUpdateId);
        expect(top(streamed?.bids ?? [], 50)).toEqual(top(rest.bids, 50));
        expect(top(streamed?.asks ?? [], 50)).toEqual(top(rest.asks, 50));
        nonces.push(rest.lastUpdateId);
        bests.add(`${rest.bids[0]?.[0]}/${rest.asks[0]?.[0]}/${rest.bids[0]?.[1]}`);
        clock.resume();
      }
      // The replay moved between rounds and the stream followed it.
      expect(new Set(nonces).size).toBe(nonces.length);
      expect(bests.size).toBeGreaterThan(1);
      // Once warm, only the one snapshot per subscription went over REST.
      expect(venue.requestCount('GET', '/api/v3/depth')).toBeLessThanOrEqual(1 + 5);
    } finally {
      await ex.close();
    }
  });

  it('ccxt.pro watchTrades: the replayed trades, as /api/v3/trades shows them', async () => {
    const ex = proClient(venue);
    try {
      const seen = new Map<string, { price: number; amount: number; side: string }>();
      const end = Date.now() + 8000;
      while (seen.size < 5 && Date.now() < end) {
        for (const t of await ex.watchTrades(SYMBOL)) seen.set(String(t.id), { price: Number(t.price), amount: Number(t.amount), side: String(t.side) });
      }
      expect(seen.size).toBeGreaterThanOrEqual(5);
      const rest = (await (await fetch(`${venue.url}/api/v3/trades?symbol=BTCUSDT&limit=1000`)).json()) as Array<{ id: number; price: string; qty: string; isBuyerMaker: boolean }>;
      const byId = new Map(rest.map((t) => [String(t.id), t]));
      for (const [id, t] of seen) {
        const r = byId.get(id);
        expect(r, `trade ${id}`).toBeDefined();
        expect(t.price).toBe(Number(r?.price));
        expect(t.amount).toBe(Number(r?.qty));
        expect(t.side).toBe(r?.isBuyerMaker ? 'sell' : 'buy');
      }
    } finally {
      await ex.close();
    }
  });

  it('a cut connection (ws_drop): ccxt rejects the watch, reconnects on the next one, and the book keeps updating', async () => {
    const ex = proClient(venue);
    try {
      await ex.watchOrderBook(SYMBOL);
      const accepted = venue.streams.stats().accepted;
      const snapshots = venue.requestCount('GET', '/api/v3/depth');
      await inject(venue, { kind: 'ws_drop', path: '/ws', count: 1 });
      let failure: unknown;
      try {
        for (let i = 0; i < 50; i++) await ex.watchOrderBook(SYMBOL);
      } catch (err) {
        failure = err;
      }
      expect(failure).toBeInstanceOf(ccxt.NetworkError);
      expect(venue.streams.stats().dropped).toBe(1);
      const after = await ex.watchOrderBook(SYMBOL);
      expect(venue.streams.stats().accepted).toBe(accepted + 1);
      expect(venue.requestCount('GET', '/api/v3/depth')).toBe(snapshots + 1); // a fresh snapshot
      const nonce = after.nonce ?? 0;
      await until('updates after the reconnect', () => (liveBook(ex)?.nonce ?? 0) > nonce);
      freeze(clock, venue);
      await until('the stream to catch up', () => liveBook(ex)?.nonce === venue.feed.lastUpdateId);
      const rest = await restDepth(venue, 20);
      expect(liveBook(ex)?.nonce).toBe(rest.lastUpdateId);
      expect(top(liveBook(ex)?.bids ?? [], 20)).toEqual(rest.bids);
      expect(top(liveBook(ex)?.asks ?? [], 20)).toEqual(rest.asks);
    } finally {
      await ex.close();
    }
  });

  it('raw protocol: /ws/<stream>, SUBSCRIBE/LIST/UNSUBSCRIBE, combined wrapper, contiguous U/u, errors', async () => {
    const open = async (p: string): Promise<{ ws: WebSocket; messages: unknown[] }> => {
      const ws = new WebSocket(`${venue.url.replace('http', 'ws')}${p}`);
      const messages: unknown[] = [];
      ws.on('message', (d: Buffer) => messages.push(JSON.parse(d.toString())));
      await new Promise<void>((resolve, reject) => {
        ws.on('open', () => resolve());
        ws.on('error', reject);
      });
      return { ws, messages };
    };
    const raw = await open('/ws/btcusdt@depth@100ms');
    const combined = await open('/stream?streams=btcusdt@aggTrade');
    try {
      raw.ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['btcusdt@trade'], id: 1 }));
      raw.ws.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id: 2 }));
      raw.ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: ['ethbtc@trade'], id: 3 }));
      raw.ws.send('{not json');
      combined.ws.send(JSON.stringify({ method: 'GET_PROPERTY', params: ['combined'], id: 'q1' }));
      await sleep(2000);
      const replies = raw.messages.filter((m) => typeof m === 'object' && m !== null && 'id' in m);
      expect(replies).toEqual([
        { result: null, id: 1 },
        { result: ['btcusdt@depth@100ms', 'btcusdt@trade'], id: 2 },
        { error: { code: 2, msg: 'Invalid request: unknown stream "ethbtc@trade"' }, id: 3 },
        expect.objectContaining({ error: expect.objectContaining({ code: 3 }), id: null }),
      ]);
      const depth = raw.messages.filter((m): m is { e: string; U: number; u: number; s: string; b: string[][] } => (m as { e?: string }).e === 'depthUpdate');
      expect(depth.length).toBeGreaterThan(5);
      for (let i = 1; i < depth.length; i++) expect(depth[i]?.U).toBe((depth[i - 1]?.u ?? 0) + 1);
      expect(depth[0]?.s).toBe('BTCUSDT');
      expect(raw.messages.some((m) => (m as { e?: string }).e === 'trade')).toBe(true);
      expect(combined.messages[0]).toEqual({ result: true, id: 'q1' });
      const wrapped = combined.messages.slice(1) as Array<{ stream: string; data: { e: string } }>;
      expect(wrapped.length).toBeGreaterThan(0);
      for (const w of wrapped) expect(w).toMatchObject({ stream: 'btcusdt@aggTrade', data: { e: 'aggTrade' } });
      // Unknown endpoints refuse the upgrade.
      await expect(open('/nope')).rejects.toThrow(/404/);
    } finally {
      raw.ws.close();
      combined.ws.close();
    }
  });

  describe('CcxtVenue streams: true', () => {
    function venueAdapter(streams: boolean): CcxtVenue {
      return new CcxtVenue({
        exchange: 'binance',
        config: { ...loopbackBinanceOptions(venue.url, venue.apiKey, venue.secret), timeout: 1500 },
        budget: { capacity: 400, refillPerSec: 200 },
        streams,
        stream: { retryMinMs: 50, retryMaxMs: 200, staleMs: 3000 },
      });
    }

    it('REST stays the default: every fetchBook is a depth request', async () => {
      const v = venueAdapter(false);
      try {
        const before = venue.requestCount('GET', '/api/v3/depth');
        for (let i = 0; i < 3; i++) await v.fetchBook(SYMBOL, 10);
        expect(venue.requestCount('GET', '/api/v3/depth')).toBe(before + 3);
        expect(v.streamState(SYMBOL)).toBeUndefined();
      } finally {
        await v.close();
      }
    });

    it('serves streamed books without REST depth calls once warm; REST while the stream is down; back to the stream after', async () => {
      const v = venueAdapter(true);
      try {
        const cold = await v.fetchBook(SYMBOL, 10); // REST while the stream starts
        expect(cold.bids.length).toBeGreaterThan(0);
        await until('the stream to go live', () => v.streamState(SYMBOL)?.live === true);

        // Warm: books change, no REST depth call.
        const warm = venue.requestCount('GET', '/api/v3/depth');
        const seen = new Set<string>();
        for (let i = 0; i < 20; i++) {
          const b = await v.fetchBook(SYMBOL, 10);
          expect(b.bids.length).toBeGreaterThan(0);
          expect(b.bids.length).toBeLessThanOrEqual(10);
          expect(b.bids[0]?.[0] ?? 0).toBeLessThan(b.asks[0]?.[0] ?? 0);
          seen.add(JSON.stringify([b.bids[0], b.asks[0]]));
          await sleep(100);
        }
        expect(venue.requestCount('GET', '/api/v3/depth')).toBe(warm);
        expect(seen.size).toBeGreaterThan(1);
        // Frozen replay: the streamed book is the REST one.
        freeze(clock, venue);
        await sleep(300);
        const streamed = await v.fetchBook(SYMBOL, 10);
        const rest = await restDepth(venue, 10);
        expect(streamed.bids).toEqual(rest.bids);
        expect(streamed.asks).toEqual(rest.asks);
        clock.resume();

        // Stream down: every connection cut and refused; fetchBook goes to REST.
        const fault = await inject(venue, { kind: 'ws_drop', path: '/ws' });
        await until('the stream to go down', () => v.streamState(SYMBOL)?.live === false);
        const down = venue.requestCount('GET', '/api/v3/depth');
        for (let i = 0; i < 5; i++) expect((await v.fetchBook(SYMBOL, 5)).asks.length).toBeGreaterThan(0);
        expect(venue.requestCount('GET', '/api/v3/depth')).toBe(down + 5);
        // Retried (ccxt waits longer before each reconnect, and the loop backs off too), still down.
        await until('a second failed attempt', () => (v.streamState(SYMBOL)?.errors ?? 0) >= 2, 8000);
        expect(v.streamState(SYMBOL)?.live).toBe(false);

        // Fault removed: the loop reconnects and books are streamed again.
        venue.faults.remove(fault);
        await until('the stream to come back', () => v.streamState(SYMBOL)?.live === true);
        const back = venue.requestCount('GET', '/api/v3/depth');
        for (let i = 0; i < 5; i++) await v.fetchBook(SYMBOL, 10);
        expect(venue.requestCount('GET', '/api/v3/depth')).toBe(back);
      } finally {
        const t0 = Date.now();
        await v.close();
        expect(Date.now() - t0).toBeLessThan(2000);
      }
      expect(venue.streams.stats().connections).toBe(0);
    });

    it('onTrades delivers streamed public trades', async () => {
      const v = venueAdapter(true);
      try {
        const got: Array<{ id: string; price: number; side: string }> = [];
        const stop = v.onTrades(SYMBOL, (trades) => got.push(...trades));
        await until('trades', () => got.length >= 3, 8000);
        stop();
        for (const t of got) {
          expect(t.price).toBeGreaterThan(0);
          expect(['buy', 'sell']).toContain(t.side);
        }
      } finally {
        await v.close();
      }
    });
  });
});

describe(`venue WebSocket streams across the recording looping (${hasSpotData ? 'BTC/USDT, speed 400: a pass ≈ 2 s' : 'simulated market, speed 3000: a pass ≈ 1.2 s'})`, () => {
  it('the streamed book stays equal to REST through book resets', async () => {
    const clock = new TestClock();
    const venue = await startVenue(hasSpotData ? { data: path.join(SPOT_DIR, 'btcusdt_20240808.gz'), speed: 400, clock: clock.now } : { seed: 9, speed: 3000, clock: clock.now });
    const ex = proClient(venue);
    try {
      await ex.watchOrderBook(SYMBOL);
      const passes = venue.feed.passes;
      await until('two loops', () => venue.feed.passes >= passes + 2, 10_000);
      freeze(clock, venue);
      await until('the stream to catch up', () => liveBook(ex)?.nonce === venue.feed.lastUpdateId);
      const rest = await restDepth(venue, 100);
      expect(liveBook(ex)?.nonce).toBe(rest.lastUpdateId);
      expect(top(liveBook(ex)?.bids ?? [], 100)).toEqual(rest.bids);
      expect(top(liveBook(ex)?.asks ?? [], 100)).toEqual(rest.asks);
    } finally {
      await ex.close();
      await venue.close();
    }
  });
});
