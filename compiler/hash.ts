// Plan identity. A plan is named by the sha256 of its canonical JSON (RFC 8785, exactly as the
// `canonicalize` package writes it) without the `hash` and `sourceMap` fields, so whitespace,
// comments and moved lines never change it, while any change of meaning does. Approvals and
// deployments name this hash.
import { createHash } from 'node:crypto';
import type { Plan } from '../schemas/generated/plan.js';

export function canonicalJson(value: unknown): string {
  const out = { text: '' };
  // A value JSON cannot express at the top (undefined, a function) has no canonical form.
  if (!writeCanonical(value, out)) throw new Error('value cannot be expressed as canonical JSON');
  return out.text;
}

/**
 * RFC 8785 canonical JSON, byte for byte what the `canonicalize` package (2.1.0) produces, written
 * into one growing string. The package builds every array and object with `reduce`, nested template
 * strings and a `JSON.stringify` per key; on a 5,000-line plan that was a fifth of the compile time,
 * most of it garbage. Same rules: keys sorted by UTF-16 code units (`Array#sort`), `toJSON`
 * honoured, undefined and symbol members dropped from objects and written as null in arrays, NaN and
 * ±Infinity refused with the package's messages. Returns false where the package returns undefined.
 */
function writeCanonical(value: unknown, out: { text: string }): boolean {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) throw new Error('NaN is not allowed');
    if (!Number.isFinite(value)) throw new Error('Infinity is not allowed');
    // Finite numbers: String and JSON.stringify agree (both print -0 as 0), ECMAScript's shortest form.
    out.text += String(value);
    return true;
  }
  if (typeof value === 'string') {
    out.text += quotedString(value);
    return true;
  }
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value) as string | undefined;
    // Where the package nests such a value (a function inside an array) it interpolates `undefined`.
    out.text += String(text);
    return text !== undefined;
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (toJSON instanceof Function) return writeCanonical((toJSON as () => unknown).call(value), out);
  if (Array.isArray(value)) {
    out.text += '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.text += ',';
      const item: unknown = value[i];
      writeCanonical(item === undefined || typeof item === 'symbol' ? null : item, out);
    }
    out.text += ']';
    return true;
  }
  const record = value as Record<string, unknown>;
  const keys = sortedKeys(Object.keys(record));
  out.text += '{';
  let first = true;
  for (const key of keys) {
    const member = record[key];
    if (member === undefined || typeof member === 'symbol') continue;
    const label = quotedKey(key);
    out.text += first ? label : `,${label}`;
    first = false;
    writeCanonical(member, out);
  }
  out.text += '}';
  return true;
}

/**
 * `keys` sorted in place by UTF-16 code units, as `Array#sort` without a comparator sorts them. Plan
 * objects have a handful of keys, and V8's sort allocates working storage on every call (10 MB per
 * 5,000-line plan): an insertion sort on the array `Object.keys` just made allocates nothing.
 */
function sortedKeys(keys: string[]): string[] {
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    for (; j >= 0 && (keys[j] as string) > key; j--) keys[j + 1] = keys[j] as string;
    keys[j + 1] = key;
  }
  return keys;
}

/**
 * JSON text of keys (`"key":`) and string values, cached: a plan has under a hundred distinct keys
 * and few distinct strings (op names, unit kinds, aliases), each repeated up to ~10⁵ times, and
 * `JSON.stringify` makes a new string every time. Other callers (the audit chain) hash arbitrary
 * records, so each cache stops growing at a few thousand entries.
 */
const cacheLimit = 4096;
const quotedKeys = new Map<string, string>();
const quotedStrings = new Map<string, string>();

function quotedKey(key: string): string {
  let label = quotedKeys.get(key);
  if (label === undefined) {
    label = `${JSON.stringify(key)}:`;
    if (quotedKeys.size < cacheLimit) quotedKeys.set(key, label);
  }
  return label;
}

function quotedString(text: string): string {
  let quoted = quotedStrings.get(text);
  if (quoted === undefined) {
    quoted = JSON.stringify(text);
    if (quotedStrings.size < cacheLimit && text.length <= 64) quotedStrings.set(text, quoted);
  }
  return quoted;
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
