// Plan identity. A plan is named by the sha256 of its canonical JSON (RFC 8785, via `canonicalize`)
// without the `hash` and `sourceMap` fields, so whitespace, comments and moved lines never change
// it, while any change of meaning does. Approvals and deployments name this hash.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Plan } from '../schemas/generated/plan.js';

// `canonicalize` is CommonJS (module.exports = fn) with ESM-style typings; require reads it as it is.
const canonicalize = createRequire(import.meta.url)('canonicalize') as (value: unknown) => string | undefined;

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('value cannot be expressed as canonical JSON');
  return text;
}

/** The hashed content of a plan: everything except its hash and its source map. */
export function hashedContent(plan: Omit<Plan, 'hash'> | Plan): Omit<Plan, 'hash' | 'sourceMap'> {
  const { hash: _hash, sourceMap: _sourceMap, ...content } = plan as Plan;
  return content;
}

export function planHash(plan: Omit<Plan, 'hash'> | Plan): string {
  return `sha256:${createHash('sha256').update(canonicalJson(hashedContent(plan))).digest('hex')}`;
}

/**
 * A 64-bit structural hash (two independent 32-bit FNV-1a/murmur-mixed lanes), for node identity
 * across plans. Cheap enough to run on every node of a 5,000-line rule set.
 */
export function structuralHash(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 0x01000193);
    h2 = Math.imul(h2 ^ ch, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0xc2b2ae35);
  h2 ^= h2 >>> 16;
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}
