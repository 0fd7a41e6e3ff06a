// Fault injection: what a real venue does to a client on a bad day, on request. A fault is a spec
// (kind, optional endpoint scope, how often); active faults are consulted at three points:
//   - before a request is handled: `latency` (delays it), then the first matching of `rate_limit`
//     (429 -1003 + Retry-After), `server_error` (500/502/503 with an HTML body, as a proxy in front
//     of the venue answers), `timeout` (never answered), `drop` (connection reset, nothing done);
//   - after the action took effect: `drop_after` (the order is placed or cancelled, but the client
//     sees its connection reset and must find out what happened);
//   - inside the matcher: `reject_orders` (the next new orders refused with -2010) and
//     `partial_fill` (the next orders that would fill get only `fraction` of what they would).
// How often: `count` (the next N matching requests, then the fault is gone), `rate` (each matching
// request with that probability, seeded), both (at most N times, each with that probability), or
// neither (every matching request until removed). Scope: `method` and/or `path` (exact, e.g.
// "/api/v3/order"); without them a fault matches every venue request (never the control endpoint).
import { Xoshiro128StarStar } from '../runtime/sim/rng.js';

export const FAULT_KINDS = ['latency', 'rate_limit', 'server_error', 'timeout', 'drop', 'drop_after', 'reject_orders', 'partial_fill', 'ws_drop'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  kind: FaultKind;
  /** Only requests with this HTTP method (GET, POST, DELETE). */
  method?: string;
  /** Only requests to this path, e.g. /api/v3/order. */
  path?: string;
  /** Fires this many times, then is removed. */
  count?: number;
  /** Probability of firing on each matching request (0–1). */
  rate?: number;
  /** latency: a constant delay… */
  ms?: number;
  /** …or a uniformly random one in [minMs, maxMs]. */
  minMs?: number;
  maxMs?: number;
  /** server_error: 500, 502 or 503 (default 503). */
  status?: number;
  /** rate_limit: the Retry-After value (default 1 s). */
  retryAfterSec?: number;
  /** partial_fill: share of the would-be fill that happens (0 < fraction < 1; default 0.5). */
  fraction?: number;
}

export interface ActiveFault extends FaultSpec {
  id: number;
  /** Times it has fired. */
  fired: number;
}

export class FaultSpecError extends Error {
  override name = 'FaultSpecError';
}

export type RequestFault =
  | { kind: 'rate_limit'; retryAfterSec: number }
  | { kind: 'server_error'; status: number }
  | { kind: 'timeout' }
  | { kind: 'drop' };

const KNOWN_KEYS = new Set(['kind', 'method', 'path', 'count', 'rate', 'ms', 'minMs', 'maxMs', 'status', 'retryAfterSec', 'fraction']);

/** Checks a spec from JSON or flags; throws FaultSpecError naming the bad field. */
export function validateFaultSpec(input: unknown): FaultSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new FaultSpecError('a fault is an object with a "kind"');
  const o = input as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KNOWN_KEYS.has(k)) throw new FaultSpecError(`unknown fault field "${k}" (known: ${[...KNOWN_KEYS].join(', ')})`);
  if (typeof o.kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(o.kind)) {
    throw new FaultSpecError(`fault kind must be one of ${FAULT_KINDS.join(', ')}, not ${JSON.stringify(o.kind)}`);
  }
  const spec: FaultSpec = { kind: o.kind as FaultKind };
  const num = (k: string, ok: (x: number) => boolean, what: string): number | undefined => {
    const v = o[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new FaultSpecError(`fault field "${k}" must be ${what}, not ${JSON.stringify(v)}`);
    return v;
  };
  const str = (k: string): string | undefined => {
    const v = o[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') throw new FaultSpecError(`fault field "${k}" must be a non-empty string`);
    return v;
  };
  const method = str('method');
  if (method !== undefined) spec.method = method.toUpperCase();
  const path = str('path');
  if (path !== undefined) spec.path = path;
  const count = num('count', (x) => Number.isInteger(x) && x >= 1, 'a whole number ≥ 1');
  if (count !== undefined) spec.count = count;
  const rate = num('rate', (x) => x > 0 && x <= 1, 'a probability in (0, 1]');
  if (rate !== undefined) spec.rate = rate;
  const ms = num('ms', (x) => x >= 0, 'a delay in ms ≥ 0');
  const minMs = num('minMs', (x) => x >= 0, 'a delay in ms ≥ 0');
  const maxMs = num('maxMs', (x) => x >= 0, 'a delay in ms ≥ 0');
  if (spec.kind === 'latency') {
    if (ms !== undefined) spec.ms = ms;
    else if (minMs !== undefined && maxMs !== undefined && minMs <= maxMs) Object.assign(spec, { minMs, maxMs });
    else throw new FaultSpecError('latency needs "ms", or "minMs" ≤ "maxMs"');
  }
  const status = num('status', (x) => x === 500 || x === 502 || x === 503 || x === 504, '500, 502, 503 or 504');
  if (spec.kind === 'server_error') spec.status = status ?? 503;
  const retryAfterSec = num('retryAfterSec', (x) => Number.isInteger(x) && x >= 0, 'whole seconds ≥ 0');
  if (spec.kind === 'rate_limit') spec.retryAfterSec = retryAfterSec ?? 1;
  const fraction = num('fraction', (x) => x > 0 && x < 1, 'a share strictly between 0 and 1');
  if (spec.kind === 'partial_fill') spec.fraction = fraction ?? 0.5;
  return spec;
}

/**
 * `--fault` flag syntax: `kind[:key=value,…]`, e.g. `latency:ms=200`, `latency:minMs=50,maxMs=300`,
 * `rate_limit:count=5`, `server_error:status=502,rate=0.1,path=/api/v3/order`,
 * `drop_after:method=DELETE,path=/api/v3/order,count=1`, `partial_fill:fraction=0.3,count=2`.
 * Dashes in kinds are accepted (`drop-after`), and `429`, `500`, `502`, `503` are shorthands.
 */
export function parseFaultFlag(text: string): FaultSpec {
  const [head = '', rest] = splitOnce(text.trim(), ':');
  let kind = head.replace(/-/g, '_');
  const fields: Record<string, unknown> = {};
  if (kind === '429') kind = 'rate_limit';
  else if (/^50[0-4]$/.test(kind)) {
    fields.status = Number(kind);
    kind = 'server_error';
  }
  fields.kind = kind;
  if (rest) {
    for (const part of rest.split(',')) {
      const [k = '', v] = splitOnce(part.trim(), '=');
      if (!k || v === undefined) throw new FaultSpecError(`--fault ${text}: "${part}" should be key=value`);
      fields[k] = k === 'method' || k === 'path' ? v : Number.isFinite(Number(v)) && v !== '' ? Number(v) : v;
    }
  }
  return validateFaultSpec(fields);
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

export class FaultControl {
  private faults: ActiveFault[] = [];
  private nextId = 1;
  private readonly rng: Xoshiro128StarStar;

  constructor(initial: readonly FaultSpec[] = [], seed = 7) {
    this.rng = new Xoshiro128StarStar(seed);
    for (const f of initial) this.add(f);
  }

  /** Adds a fault (validated); returns it with its id. */
  add(spec: FaultSpec): ActiveFault {
    const active: ActiveFault = { ...validateFaultSpec(spec), id: this.nextId++, fired: 0 };
    this.faults.push(active);
    return active;
  }

  remove(id: number): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length < before;
  }

  clear(): void {
    this.faults = [];
  }

  list(): ActiveFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** Delay to add to this request (the sum of matching latency faults), in ms. */
  latencyMs(method: string, path: string): number {
    let total = 0;
    for (const f of this.firing(['latency'], method, path)) {
      total += f.ms ?? (f.minMs ?? 0) + this.rng.next() * ((f.maxMs ?? 0) - (f.minMs ?? 0));
    }
    return total;
  }

  /** The first request-stage fault that fires for this request, if any. */
  requestFault(method: string, path: string): RequestFault | undefined {
    const f = this.firing(['rate_limit', 'server_error', 'timeout', 'drop'], method, path, true)[0];
    if (!f) return undefined;
    switch (f.kind) {
      case 'rate_limit':
        return { kind: 'rate_limit', retryAfterSec: f.retryAfterSec ?? 1 };
      case 'server_error':
        return { kind: 'server_error', status: f.status ?? 503 };
      case 'timeout':
        return { kind: 'timeout' };
      default:
        return { kind: 'drop' };
    }
  }

  /** After the action took effect: should the connection be reset instead of answered? */
  dropAfter(method: string, path: string): boolean {
    return this.firing(['drop_after'], method, path, true).length > 0;
  }

  /** A stream connection on this endpoint ("/ws" or "/stream"): should it be cut now? */
  streamDrop(endpoint: string): boolean {
    return this.firing(['ws_drop'], 'GET', endpoint, true).length > 0;
  }

  /** A new order is about to be accepted: should it be rejected? */
  rejectOrder(): boolean {
    return this.firing(['reject_orders'], 'POST', '/api/v3/order', true).length > 0;
  }

  /** An order is about to fill: the share of the fill to let through (1 when no fault fires). */
  fillFraction(): number {
    const f = this.firing(['partial_fill'], 'POST', '/api/v3/order', true)[0];
    return f ? (f.fraction ?? 0.5) : 1;
  }

  private firing(kinds: readonly FaultKind[], method: string, path: string, firstOnly = false): ActiveFault[] {
    const out: ActiveFault[] = [];
    for (const f of this.faults) {
      if (!kinds.includes(f.kind)) continue;
      if (f.method !== undefined && f.method !== method) continue;
      if (f.path !== undefined && f.path !== path) continue;
      if (f.rate !== undefined && this.rng.next() >= f.rate) continue;
      f.fired++;
      out.push(f);
      if (firstOnly) break;
    }
    if (out.some((f) => f.count !== undefined && f.fired >= f.count)) {
      this.faults = this.faults.filter((f) => f.count === undefined || f.fired < f.count);
    }
    return out;
  }
}
