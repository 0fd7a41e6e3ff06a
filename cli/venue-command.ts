// `quoin venue`: the loopback Binance spot venue (venue/), for tests, demos and paper trading with
// the real ccxt client. Prints the URL, the credentials and the ccxt options to use.
import type { Command } from 'commander';
import { NotionalFees, parseFees } from '../runtime/backtest/fees.js';
import { loopbackBinanceOptions } from '../venue/ccxt-options.js';
import { parseFaultFlag, type FaultSpec } from '../venue/faults.js';
import { startVenueServer } from '../venue/server.js';

interface VenueOptions {
  host: string;
  port: string;
  data?: string[];
  speed: string;
  fault: FaultSpec[];
  fees: string;
  balances?: string;
  weightLimit?: string;
  seed: string;
  log?: boolean;
}

export function registerVenue(program: Command): void {
  program
    .command('venue')
    .description('run a loopback venue that speaks Binance spot REST (ccxt binance trades against it), on recorded or simulated data')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', '8765')
    .option('--data <path>', 'Binance spot capture file or folder (repeatable); without it a simulated BTC/USDT market', collect, undefined)
    .option('--speed <x>', 'replay speed: recorded seconds per wall second', '1')
    .option('--fault <spec>', 'a fault active from the start (repeatable), e.g. latency:ms=200, 429:count=5, 503:rate=0.1,path=/api/v3/order, drop-after:method=DELETE,path=/api/v3/order', (v: string, prev: FaultSpec[]) => [...prev, parseFaultFlag(v)], [])
    .option('--fees <spec>', 'fee rates: binance-spot, none, or maker=…bps,taker=…bps', 'binance-spot')
    .option('--balances <list>', 'starting balances, e.g. USDT=100000,BTC=10,ETH=100')
    .option('--weight-limit <n>', 'request weight per minute per API key (Binance: 6000)')
    .option('--seed <n>', 'seed of the simulated market and of random faults', '1')
    .option('--log', 'log every request (JSON lines on stdout)')
    .action(async (opts: VenueOptions) => {
      const fail = (msg: string): void => {
        process.stderr.write(`quoin venue: ${msg}\n`);
        process.exitCode = 2;
      };
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) return fail(`--port needs a port number, not '${opts.port}'`);
      const speed = Number(opts.speed);
      if (!(speed > 0) || !Number.isFinite(speed)) return fail(`--speed needs a positive number, not '${opts.speed}'`);
      const seed = Number(opts.seed);
      if (!Number.isInteger(seed)) return fail(`--seed needs a whole number, not '${opts.seed}'`);
      let fees;
      try {
        const model = parseFees(opts.fees);
        fees = model instanceof NotionalFees ? { maker: model.makerRate, taker: model.takerRate } : undefined;
      } catch (err) {
        return fail((err as Error).message);
      }
      let balances: Record<string, number> | undefined;
      if (opts.balances) {
        balances = {};
        for (const part of opts.balances.split(',')) {
          const m = /^\s*([A-Za-z0-9]{1,20})\s*=\s*(\d+(?:\.\d+)?)\s*$/.exec(part);
          if (!m?.[1] || !m[2]) return fail(`--balances: '${part}' should be ASSET=amount`);
          balances[m[1].toUpperCase()] = Number(m[2]);
        }
      }
      const weightPerMinute = opts.weightLimit === undefined ? undefined : Number(opts.weightLimit);
      if (weightPerMinute !== undefined && !(Number.isInteger(weightPerMinute) && weightPerMinute > 0)) return fail(`--weight-limit needs a whole number > 0, not '${opts.weightLimit}'`);
      let venue;
      try {
        venue = await startVenueServer({ host: opts.host, port, data: opts.data, speed, faults: opts.fault, fees, balances, weightPerMinute, seed, logger: opts.log === true });
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        process.stderr.write(`quoin venue: ${e.code === 'EADDRINUSE' ? `port ${port} on ${opts.host} is in use; pick another with --port` : e.message}\n`);
        process.exitCode = 1;
        return;
      }
      const out = (s: string): boolean => process.stdout.write(`${s}\n`);
      out(`quoin venue: Binance spot REST on ${venue.url}  (market: ${venue.marketDescription}; speed ${speed}×)`);
      out(`streams: ${venue.url.replace(/^http/, 'ws')}/ws and ${venue.url.replace(/^http/, 'ws')}/stream?streams=… (depth@100ms, trade, aggTrade; ccxt.pro watchOrderBook/watchTrades)`);
      if (venue.credentialsFrom === 'environment') out('credentials: from QUOIN_VENUE_KEY / QUOIN_VENUE_SECRET');
      else out(`demo credentials (set QUOIN_VENUE_KEY / QUOIN_VENUE_SECRET to choose them):\n  apiKey ${venue.apiKey}\n  secret ${venue.secret}`);
      const shown = loopbackBinanceOptions(venue.url, venue.credentialsFrom === 'environment' ? '$QUOIN_VENUE_KEY' : venue.apiKey, venue.credentialsFrom === 'environment' ? '$QUOIN_VENUE_SECRET' : venue.secret);
      // The agent is an object with sockets inside: shown as what to write, not as its JSON.
      const printable = { ...shown, httpAgent: 'new http.Agent() (node:http)', urls: { api: { public: shown.urls.api.public, private: shown.urls.api.private, '…': 'every other API points here too (loopbackBinanceOptions in venue/ccxt-options.ts)' } } };
      out(`ccxt: new ccxt.binance(${JSON.stringify(printable)})`);
      out(`faults: POST ${venue.url}/_quoin/faults with JSON (docs/venue-server.md); active: ${venue.faults.list().length === 0 ? 'none' : JSON.stringify(venue.faults.list())}`);
      const stop = (signal: string): void => {
        out(`quoin venue: ${signal}: closing`);
        void venue.close().then(() => process.exit(0));
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
