// `quoin serve`: the deployment service (API, store, runtime instances). `npm start` runs it with its
// defaults: 127.0.0.1:8080, ./data/quoin.db, the real data in ../shared/data when present.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { paperRuntimeFactory } from '../api/services/paper-runtime.js';
import { projectRoot } from '../api/server/project-root.js';
import { startServer } from '../api/server/server.js';
import { version } from './version.js';

/** The default paper instance's market, relative to the data directory. */
export const defaultDataNames = ['binance/spot/btcusdt_20240808.gz'];

interface ServeOptions {
  host: string;
  port: string;
  db: string;
  dataDir?: string;
  default: boolean;
  defaultRuleset: string;
  log?: boolean;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the service: HTTP API (docs at /docs), SQLite store, paper runtime instances')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', '8080')
    .option('--db <file>', 'SQLite store (created and migrated when missing)', 'data/quoin.db')
    .option('--data-dir <dir>', 'where the data names of jobs and instances resolve (default $QUOIN_DATA_DIR or ../shared/data when present)')
    .option('--no-default', 'do not create the default paper instance on first start')
    .option('--default-ruleset <name>', 'template of rulesets/ for the default paper instance', 'pure-symmetric')
    .option('--log', 'log every request (JSON lines on stdout)')
    .action(async (opts: ServeOptions) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        process.stderr.write(`quoin serve: --port needs a port number, not '${opts.port}'\n`);
        process.exitCode = 2;
        return;
      }
      const dataDir = resolveDataDir(opts.dataDir);
      if (opts.dataDir && !dataDir) {
        process.stderr.write(`quoin serve: --data-dir ${opts.dataDir} does not exist\n`);
        process.exitCode = 2;
        return;
      }
      const defaults = dataDir && defaultDataNames.every((n) => existsSync(path.join(dataDir, n))) ? defaultDataNames : undefined;
      let server;
      try {
        server = await startServer({
          host: opts.host,
          port,
          dbPath: opts.db,
          data: { dir: dataDir, defaults, simulatedSec: 3600 },
          ...(process.env.QUOIN_ADMIN_TOKEN ? { adminToken: process.env.QUOIN_ADMIN_TOKEN } : {}),
          defaultRuleSet: opts.default ? opts.defaultRuleset : false,
          runtimeFactory: paperRuntimeFactory,
          version,
          logger: opts.log === true,
        });
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        const why = e.code === 'EADDRINUSE' ? `port ${port} on ${opts.host} is in use (another quoin serve?); pick another with --port` : e.message;
        process.stderr.write(`quoin serve: ${why}\n`);
        process.exitCode = 1;
        return;
      }
      if (!defaults) process.stdout.write(`quoin: no market data found${dataDir ? ` under ${dataDir}` : ''}: paper instances use the simulated market\n`);
      const stop = (signal: string): void => {
        process.stdout.write(`quoin: ${signal}: closing\n`);
        void server.close().then(() => process.exit(0));
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
}

function resolveDataDir(given: string | undefined): string | undefined {
  const candidates = given ? [given] : [process.env.QUOIN_DATA_DIR, path.join(projectRoot(), '..', 'shared', 'data')];
  for (const c of candidates) if (c && existsSync(c)) return path.resolve(c);
  return undefined;
}
