// A resolved write is on disk: a writer process is SIGKILLed mid-stream, and everything it had
// reported as committed is there when the database is reopened, with an intact audit chain.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../../../api/store/sqlite-store.js';
import { root } from '../../helpers.js';
import { tempDir } from './helpers.js';

const writer = path.join(root, 'tests', 'api', 'store', 'fixtures', 'writer.ts');
const WANTED_LINES = 50;
const GIVE_UP_MS = 12_000;

const temp = tempDir();
afterEach(() => temp.remove());

/** Runs the writer until it has reported `wanted` commits, then SIGKILLs it; returns the reported lines. */
function writeThenKill(dbFile: string, wanted: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, dbFile], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), GIVE_UP_MS);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (out.split('\n').length - 1 >= wanted) child.kill('SIGKILL');
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      // Only whole lines count: a line cut off by the kill was never fully reported.
      const lines = out.split('\n').slice(0, -1);
      if (signal !== 'SIGKILL' || lines.length < wanted) reject(new Error(`writer exited (${code ?? signal}) after ${lines.length} lines: ${err}`));
      else resolve(lines);
    });
  });
}

it('keeps every reported commit after SIGKILL', async () => {
  const dbFile = path.join(temp.dir, 'durable.db');
  const lines = await writeThenKill(dbFile, WANTED_LINES);
  const reported = lines.map((line) => {
    const m = /^committed (\w+) (\S+)$/.exec(line);
    if (!m) throw new Error(`unexpected line: ${line}`);
    return { kind: m[1], id: m[2] };
  });
  const idsOf = (kind: string) => reported.filter((r) => r.kind === kind).map((r) => Number(r.id));
  expect(reported[0]).toEqual({ kind: 'ruleset', id: 'durable' });
  for (const kind of ['version', 'approval', 'audit']) expect(idsOf(kind).length).toBeGreaterThan(10);

  const store = await openStore(dbFile);
  try {
    const versions = await store.listVersions('durable');
    const versionIds = new Set(versions.map((v) => v.id));
    for (const id of idsOf('version')) expect(versionIds.has(id), `version ${id}`).toBe(true);

    const approvalIds = new Set((await Promise.all(versions.map((v) => store.listApprovals(v.id)))).flat().map((a) => a.id));
    for (const id of idsOf('approval')) expect(approvalIds.has(id), `approval ${id}`).toBe(true);

    const entries = await store.listAudit({ limit: 1_000_000 });
    const seqs = new Set(entries.map((e) => e.seq));
    for (const seq of idsOf('audit')) expect(seqs.has(seq), `audit ${seq}`).toBe(true);
    // State and log were committed together: every surviving version has its entry, and no more.
    const logged = entries.filter((e) => e.action === 'version.create').map((e) => e.subject);
    expect(logged).toEqual(versions.map((v) => `version:${v.id}`));

    expect((await store.verifyAudit()).ok).toBe(true);
  } finally {
    await store.close();
  }
}, 20_000);
