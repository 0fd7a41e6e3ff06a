// `quoin audit verify --db FILE`: checks the store's hash-chained audit log offline (the server may
// be running: the store is opened in WAL mode, and verifying only reads). Exit 0 when the chain
// verifies, 1 when an entry does not (and which), 2 when the store cannot be opened.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { openStore } from '../api/store/sqlite-store.js';

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the audit log of a service store');
  audit
    .command('verify')
    .description('verify the hash chain of the audit log: every entry links to the one before it')
    .option('--db <file>', 'the SQLite store', 'data/quoin.db')
    .action(async (opts: { db: string }) => {
      if (!existsSync(opts.db)) {
        process.stderr.write(`quoin audit: no store at ${opts.db} (give --db)\n`);
        process.exitCode = 2;
        return;
      }
      let store;
      try {
        store = await openStore(opts.db);
      } catch (err) {
        process.stderr.write(`quoin audit: cannot open ${opts.db}: ${(err as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      try {
        const check = await store.verifyAudit();
        if (check.ok) {
          process.stdout.write(`ok: ${check.entries} audit entries, chain verified\n`);
        } else {
          process.stdout.write(`BROKEN at entry ${check.firstBad?.seq ?? '?'}: ${check.firstBad?.reason ?? ''} (${check.entries} entries)\n`);
          process.exitCode = 1;
        }
      } finally {
        await store.close();
      }
    });
}
