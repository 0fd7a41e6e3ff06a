// `quoin trade FILE`: the paper/live runner. The same engine and plan as backtests, talking to venues
// through ccxt — the project's loopback venue server (`quoin venue`) for paper trading and tests, or
// a real exchange. Credentials come from the environment only (never flags: flags show in `ps`),
// are never printed, and never reach the journal.
import type { Command } from 'commander';
import { LiveRunner } from '../runtime/live/runner.js';
import { SqliteJournal } from '../runtime/live/sqlite-journal.js';
import { CcxtVenue } from '../runtime/venue/ccxt-venue.js';
import type { VenueAdapter } from '../runtime/venue/venue.js';
import { loopbackBinanceOptions } from '../venue/ccxt-options.js';
import { loadRuleSet } from './rule-set.js';

interface TradeOptions {
  instance: string;
  journal: string;
  venueUrl?: string;
  live?: boolean;
  interval: string;
  duration?: string;
  policy: string;
  weight: string;
  credit?: string[];
  streams?: boolean;
}

export function registerTrade(program: Command): void {
  program
    .command('trade')
    .description('run a rule set against venues through ccxt: paper on the loopback venue server (--venue-url), or live (--live)')
    .argument('<file>', 'a .quoin rule set, or a compiled plan (.json)')
    .requiredOption('--instance <id>', 'instance id: tags client order ids and the journal rows')
    .option('--journal <file>', 'SQLite order journal (created when missing; recovery reads it)', 'data/journal.db')
    .option('--venue-url <url>', 'the loopback venue server (quoin venue) standing in for every venue of the plan')
    .option('--live', 'trade on the real exchanges the plan names (keys from QUOIN_<VENUE>_KEY / QUOIN_<VENUE>_SECRET)')
    .option('--interval <ms>', 'poll and quote every this many milliseconds', '500')
    .option('--duration <s>', 'stop after this many seconds (default: until Ctrl-C)')
    .option('--policy <cancel|adopt>', 'our orders found open at start', 'cancel')
    .option('--weight <n>', 'request weight per second the runner allows itself per venue, burst 2× (Binance allows 6000/min = 100/s)', '50')
    .option('--streams', "books from ccxt's watchOrderBook streams (REST when a stream is down) instead of polling REST")
    .option('--credit <venue=limit>', 'credit limit at a venue, in the quote currency (repeatable): alert at 80 %, reduce-only at the limit', (v: string, acc: string[] = []) => [...acc, v])
    .action(async (file: string, opts: TradeOptions) => {
      process.exitCode = await trade(file, opts);
    });
}

function envCredentials(venue: string): { apiKey: string; secret: string } | undefined {
  const v = venue.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  const apiKey = process.env[`QUOIN_${v}_KEY`] ?? process.env.QUOIN_VENUE_KEY;
  const secret = process.env[`QUOIN_${v}_SECRET`] ?? process.env.QUOIN_VENUE_SECRET;
  return apiKey && secret ? { apiKey, secret } : undefined;
}

async function trade(file: string, opts: TradeOptions): Promise<number> {
  const fail = (msg: string, code = 2): number => {
    process.stderr.write(`quoin trade: ${msg}\n`);
    return code;
  };
  const plan = loadRuleSet(file, 'quoin trade');
  if (!plan) return 1;
  const interval = Number(opts.interval);
  if (!Number.isFinite(interval) || interval < 10) return fail(`--interval needs milliseconds ≥ 10, not '${opts.interval}'`);
  const duration = opts.duration === undefined ? Infinity : Number(opts.duration);
  if (!(duration > 0)) return fail(`--duration needs seconds > 0, not '${opts.duration}'`);
  const rate = Number(opts.weight);
  if (!(rate >= 20)) return fail(`--weight needs a request weight per second ≥ 20 (the heaviest call weighs 20), not '${opts.weight}'`);
  if (opts.policy !== 'cancel' && opts.policy !== 'adopt') return fail(`--policy is cancel or adopt, not '${opts.policy}'`);
  if (!opts.venueUrl === !opts.live) return fail('say where to trade: --venue-url URL (paper, the loopback venue server) or --live');

  const limits: Record<string, { limit: number }> = {};
  for (const c of opts.credit ?? []) {
    const m = /^([a-z0-9]+)=([0-9.eE+]+)$/.exec(c);
    if (!m || !(Number(m[2]) > 0)) return fail(`--credit takes venue=limit (e.g. binance=50000), not '${c}'`);
    limits[m[1]!] = { limit: Number(m[2]) };
  }
  const venues = new Map<string, VenueAdapter>();
  for (const name of new Set(plan.markets.map((m) => m.venue))) {
    const creds = envCredentials(name);
    if (!creds) return fail(`no credentials for ${name}: set QUOIN_${name.toUpperCase()}_KEY and QUOIN_${name.toUpperCase()}_SECRET (or QUOIN_VENUE_KEY / QUOIN_VENUE_SECRET)`);
    const budget = { capacity: rate * 2, refillPerSec: rate };
    // Paper: every venue of the plan is the loopback server, spoken to by ccxt's binance class.
    const config: Record<string, unknown> = opts.venueUrl ? { ...loopbackBinanceOptions(opts.venueUrl, creds.apiKey, creds.secret), timeout: 5_000 } : { apiKey: creds.apiKey, secret: creds.secret, timeout: 10_000 };
    venues.set(name, await CcxtVenue.create({ exchange: opts.venueUrl ? 'binance' : name, config, budget, streams: opts.streams === true }));
  }

  let journal: SqliteJournal;
  try {
    journal = await SqliteJournal.open(opts.journal, opts.instance);
  } catch (err) {
    return fail((err as Error).message, 1);
  }
  const runner = new LiveRunner({ plan, instanceId: opts.instance, venues, journal, startupPolicy: opts.policy, ...(Object.keys(limits).length ? { credit: { limits } } : {}), log: (line) => process.stderr.write(`${line}\n`) });
  let stopping = false;
  const stop = (): void => {
    stopping = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const until = Date.now() + duration * 1000;
  try {
    await runner.start();
    process.stderr.write(`quoin trade: ${plan.strategy.name} v${plan.strategy.version} (${plan.hash}) on ${[...venues.keys()].join(', ')} as ${opts.instance}; journal ${opts.journal}\n`);
    let lastReport = 0;
    await runner.run(interval, () => {
      if (Date.now() - lastReport > 5000) {
        lastReport = Date.now();
        const s = runner.snapshot();
        process.stderr.write(`  positions ${JSON.stringify(s.positions)} · open orders ${s.openOrders} · fills ${s.fills} · risk ${s.riskState}${s.disconnected.length ? ` · disconnected ${s.disconnected.join(',')}` : ''}\n`);
      }
      return stopping || Date.now() >= until;
    });
    await runner.stop(stopping ? 'signal' : 'duration reached');
    process.stdout.write(`${JSON.stringify(runner.snapshot())}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`quoin trade: ${(err as Error).message}; cancelling our orders\n`);
    await runner.stop(`error: ${(err as Error).message}`).catch(() => undefined);
    return 1;
  } finally {
    await journal.close();
    for (const v of venues.values()) await v.close();
  }
}
