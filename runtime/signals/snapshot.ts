// Helpers that turn a signal's fields into a JSON-able snapshot and back. JSON has no NaN, so NaN
// (and, defensively, ±Infinity, which no signal keeps in its state) is written as null.
import type { SignalSnapshot, SnapshotNumber, StatefulFn } from './contract.js';

export interface SignalParams {
  windowSec?: number;
  halflifeSec?: number;
}

type StateValue = SnapshotNumber | SnapshotNumber[];

export function encode(x: number): SnapshotNumber {
  return Number.isFinite(x) ? x : null;
}

export function encodeAll(xs: readonly number[]): SnapshotNumber[] {
  return xs.map(encode);
}

export function makeSnapshot(fn: StatefulFn, params: SignalParams, state: { [field: string]: StateValue }): SignalSnapshot {
  const snap: SignalSnapshot = { fn, version: 1, state };
  if (params.windowSec !== undefined) snap.windowSec = params.windowSec;
  if (params.halflifeSec !== undefined) snap.halflifeSec = params.halflifeSec;
  return snap;
}

/** Refuses a snapshot of another computation: a different built-in or different parameters. */
export function checkSnapshot(snap: SignalSnapshot, fn: StatefulFn, params: SignalParams): SignalSnapshot['state'] {
  if (snap.version !== 1) throw new Error(`signal snapshot: unknown version ${String(snap.version)}`);
  if (snap.fn !== fn) throw new Error(`signal snapshot: taken from ${snap.fn}, cannot restore into ${fn}`);
  if (snap.windowSec !== params.windowSec || snap.halflifeSec !== params.halflifeSec) {
    throw new Error(
      `signal snapshot: ${fn} parameters differ (snapshot windowSec=${String(snap.windowSec)} halflifeSec=${String(snap.halflifeSec)}, ` +
        `signal windowSec=${String(params.windowSec)} halflifeSec=${String(params.halflifeSec)})`,
    );
  }
  return snap.state;
}

export function readNumber(state: SignalSnapshot['state'], field: string): number {
  const v = state[field];
  if (v === null) return NaN;
  if (typeof v !== 'number') throw new Error(`signal snapshot: field ${field} must be a number or null`);
  return v;
}

export function readArray(state: SignalSnapshot['state'], field: string): number[] {
  const v = state[field];
  if (!Array.isArray(v)) throw new Error(`signal snapshot: field ${field} must be an array`);
  return v.map((x) => (x === null ? NaN : x));
}

export function readParts(state: SignalSnapshot['state'], field: string): SnapshotNumber[] {
  const v = state[field];
  if (!Array.isArray(v)) throw new Error(`signal snapshot: field ${field} must be an array`);
  return v;
}

/** A window or half-life in seconds must be a positive finite number (the schema says > 0). */
export function positiveSeconds(fn: StatefulFn, name: string, sec: number | undefined): number {
  if (sec === undefined || !(sec > 0) || !Number.isFinite(sec)) throw new Error(`${fn}: ${name} must be a positive number of seconds, got ${String(sec)}`);
  return sec;
}
