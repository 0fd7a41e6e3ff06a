// The audit log's hash chain. Each entry's hash covers the previous entry's hash and its own
// canonical content, so changing, removing or reordering any entry breaks every link after it.
// (Dropping entries off the end leaves a valid shorter chain; only an external copy of the
// latest hash can catch that.)
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../compiler/hash.js';
import type { AuditCheck, AuditEntry } from './types.js';

export const GENESIS_HASH = '0'.repeat(64);

export type AuditContent = Pick<AuditEntry, 'seq' | 'at' | 'actor' | 'action' | 'subject' | 'details'>;

export function entryHash(prevHash: string, content: AuditContent): string {
  const { seq, at, actor, action, subject, details } = content;
  return createHash('sha256')
    .update(prevHash + canonicalJson({ seq, at, actor, action, subject, details }))
    .digest('hex');
}

/**
 * Details as they will read back from storage: JSON drops undefined and turns non-finite numbers
 * into null, so hashing anything but the round-tripped value would make honest entries fail.
 */
export function normalizeDetails(details: Record<string, unknown> | undefined): Record<string, unknown> {
  return JSON.parse(JSON.stringify(details ?? {})) as Record<string, unknown>;
}

/** Checks entries fed in seq order, one at a time, so a long log never has to sit in memory. */
export class ChainVerifier {
  #expectedSeq = 1;
  #prevHash = GENESIS_HASH;
  #entries = 0;
  #firstBad: AuditCheck['firstBad'];

  push(entry: AuditEntry): void {
    this.#entries++;
    if (this.#firstBad) return;
    const reason = this.#problem(entry);
    if (reason) this.#firstBad = { seq: entry.seq, reason };
    this.#expectedSeq = entry.seq + 1;
    this.#prevHash = entry.hash;
  }

  result(): AuditCheck {
    return this.#firstBad ? { ok: false, entries: this.#entries, firstBad: this.#firstBad } : { ok: true, entries: this.#entries };
  }

  #problem(entry: AuditEntry): string | undefined {
    if (entry.seq !== this.#expectedSeq) return `expected seq ${this.#expectedSeq}, found ${entry.seq} (entries missing)`;
    if (entry.prevHash !== this.#prevHash) return 'its previous-hash link does not match the previous entry';
    if (entry.hash !== entryHash(entry.prevHash, entry)) return 'its hash does not match its content';
    return undefined;
  }
}
