// Store test helpers: a store in a fresh temp directory, a deterministic clock, a raw second
// connection (for looking under the store and tampering), and a version carried to 'approved'.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SqliteConnection } from '../../../api/store/sqlite-async.js';
import { openStore } from '../../../api/store/sqlite-store.js';
import type { Store, Version } from '../../../api/store/types.js';

export interface TempStore {
  store: Store;
  file: string;
  dir: string;
  /** Closes the store (if still open) and removes the directory. */
  cleanup(): Promise<void>;
}

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'quoin-store-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A clock that starts at `start` and moves 1 ms per reading, so every stamp is distinct and known. */
export function steppingClock(start = '2025-01-02T03:04:05.000Z'): () => Date {
  let t = Date.parse(start);
  return () => new Date(t++);
}

export async function tempStore(options: { now?: () => Date } = {}): Promise<TempStore> {
  const { dir, remove } = tempDir();
  // A nested path checks that openStore creates missing directories.
  const file = path.join(dir, 'nested', 'quoin.db');
  const store = await openStore(file, { now: options.now ?? steppingClock() });
  return {
    store,
    file,
    dir,
    async cleanup() {
      await store.close().catch(() => undefined);
      remove();
    },
  };
}

/** A second connection to the same file, as an outsider (or an attacker) would have. */
export function rawConnection(file: string): Promise<SqliteConnection> {
  return SqliteConnection.open(file);
}

export const PLAN_HASH = `sha256:${'ab'.repeat(32)}`;

/** A rule set (if new) with one version moved through review to 'approved'. */
export async function approvedVersion(store: Store, ruleSetId = 'rs', planHash = PLAN_HASH): Promise<Version> {
  await store.getRuleSet(ruleSetId).catch(() => store.createRuleSet({ id: ruleSetId, name: ruleSetId, actor: 'alice' }));
  const v = await store.createVersion({ ruleSetId, source: 'strategy "s" version 1 {}', planJson: '{"plan":1}', planHash, diagnostics: [], author: 'alice' });
  await store.setVersionStatus({ id: v.id, from: ['draft'], to: 'pending_approval', actor: 'alice', action: 'version.submit' });
  await store.recordDecision({ versionId: v.id, planHash, decision: 'approved', reviewer: 'rita', comment: 'ok' });
  return store.setVersionStatus({ id: v.id, from: ['pending_approval'], to: 'approved', actor: 'rita', action: 'version.approve' });
}

/** SQL injection attempts and Unicode oddities that must come back byte for byte. */
export const ODD_STRINGS: readonly string[] = [
  "Robert'); DROP TABLE rule_sets; --",
  '" OR 1=1 --',
  "'; DELETE FROM audit WHERE '1'='1",
  '?1 ?2 :name @x $y %_ \\ LIKE',
  '🚀📈 👩🏽‍💻 🏳️‍🌈',
  'مرحبا بالعالم \u202Eevil\u202C',
  'שלום עולם',
  'e\u0301 combining, zero\u200Bwidth, \uFEFFbom, line\u2028sep',
  'tabs\tand\r\nnewlines\n',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𐍈 astral',
  `${'long '.repeat(40_000)}末`,
  '',
];
