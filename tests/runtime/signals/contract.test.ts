// The one contract every stateful built-in follows (runtime/signals/contract.ts), run over all of
// them: NaN (beta: 1) while not ready, ready after the documented number of observations, advance
// never adds an observation, reset returns to the initial state, non-finite inputs are ignored
// without an exception, earlier times are taken as the latest time seen, and a JSON snapshot
// restores a signal that then continues bit for bit as the original.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StatefulFn, StatefulSignal } from '../../../runtime/signals/contract.js';
import { createStateful, statefulFns } from '../../../runtime/signals/index.js';
import { caseArb } from './arbitraries.js';
import { allFns, apply, inputOf, paramsFor, same, type Op } from './ops.js';

const WINDOW_SEC = 60;
const T0 = 3600e9;

const make = (fn: StatefulFn): StatefulSignal => createStateful(fn, paramsFor(fn, WINDOW_SEC));
const state = (s: StatefulSignal): string => JSON.stringify(s.exportState());

/** The k-th valid observation: distinct values, all inside one window (beta: one per second, so each forms a pair). */
function obs(fn: StatefulFn, k: number): Op {
  switch (inputOf(fn)) {
    case 'series':
      return { kind: 'x', t: T0 + k * 1e6, x: 100 + k + 0.25 * (k % 3) };
    case 'trades':
      return { kind: 'trade', t: T0 + k * 1e6, p: 100 + k, q: 1 + (k % 4) };
    case 'pair':
      return { kind: 'xy', t: T0 + k * 1e9, x: 100 * Math.exp(0.01 * Math.sin(k)), y: 50 * Math.exp(0.02 * Math.cos(1.3 * k)) };
  }
}

function feed(s: StatefulSignal, ops: readonly Op[]): void {
  for (const op of ops) apply(s, op);
}

const first = (fn: StatefulFn, n: number): Op[] => Array.from({ length: n }, (_, k) => obs(fn, k));

/** Invalid inputs at time t, each with the operation it must be equivalent to. */
function invalidInputs(fn: StatefulFn, t: number, lastValid: Op): Array<{ bad: Op; same: Op | undefined }> {
  const nonFinite = [NaN, Infinity, -Infinity];
  const out: Array<{ bad: Op; same: Op | undefined }> = [];
  const adv: Op = { kind: 'advance', t };
  switch (inputOf(fn)) {
    case 'series': {
      // no logarithm of a non-positive value: ignored as well where one is taken
      const badX = fn === 'returns' || fn === 'realized_vol' ? [...nonFinite, 0, -1] : nonFinite;
      for (const x of badX) out.push({ bad: { kind: 'x', t, x }, same: adv });
      for (const tb of nonFinite) out.push({ bad: { kind: 'x', t: tb, x: 123 }, same: undefined });
      break;
    }
    case 'trades':
      for (const p of nonFinite) out.push({ bad: { kind: 'trade', t, p, q: 1 }, same: adv });
      for (const q of [...nonFinite, 0, -1]) out.push({ bad: { kind: 'trade', t, p: 100, q }, same: adv });
      for (const tb of nonFinite) out.push({ bad: { kind: 'trade', t: tb, p: 100, q: 1 }, same: undefined });
      break;
    case 'pair': {
      // An invalid mid leaves the last mid seen in place: as if that mid were repeated.
      if (lastValid.kind !== 'xy') throw new Error('pair op expected');
      for (const v of [...nonFinite, 0, -1]) {
        out.push({ bad: { kind: 'xy', t, x: v, y: lastValid.y }, same: { kind: 'xy', t, x: lastValid.x, y: lastValid.y } });
        out.push({ bad: { kind: 'xy', t, x: lastValid.x, y: v }, same: { kind: 'xy', t, x: lastValid.x, y: lastValid.y } });
      }
      for (const tb of nonFinite) out.push({ bad: { kind: 'xy', t: tb, x: 1, y: 1 }, same: undefined });
      break;
    }
  }
  return out;
}

it('createStateful covers every fn of the plan schema, each fed the right way', () => {
  expect([...statefulFns].sort()).toEqual([...allFns].sort());
  for (const fn of statefulFns) {
    const s = make(fn);
    expect(s.fn).toBe(fn);
    expect(s.input).toBe(inputOf(fn));
  }
});

it('createStateful refuses a missing or non-positive window or half-life', () => {
  expect(() => createStateful('rolling_mean', {})).toThrow(/window/);
  expect(() => createStateful('ewm_stdev', { windowSec: 5 })).toThrow(/halflife/);
  expect(() => createStateful('vwap', { windowSec: 0 })).toThrow(/window/);
  expect(() => createStateful('beta', { windowSec: -1 })).toThrow(/window/);
  expect(() => createStateful('baseline', { windowSec: Infinity })).toThrow(/window/);
});

describe.each(allFns.map((fn) => [fn] as const))('%s follows the contract', (fn) => {
  it('starts not ready (warm-up > 0) showing its fallback, with ticked false', () => {
    const s = make(fn);
    expect(s.ticked).toBe(false);
    expect(s.ready).toBe(s.warmUp === 0);
    if (!s.ready) expect(same(s.value, s.fallback)).toBe(true);
    else expect(Number.isFinite(s.value)).toBe(true);
  });

  it('is ready after exactly its documented warm-up, and not one observation earlier', () => {
    const s = make(fn);
    for (let k = 0; k < s.warmUp; k++) {
      expect(s.ready, `ready before observation ${k + 1}`).toBe(false);
      expect(same(s.value, s.fallback)).toBe(true);
      apply(s, obs(fn, k));
    }
    expect(s.ready).toBe(true);
    expect(Number.isFinite(s.value)).toBe(true);
    if (s.warmUp > 0) {
      expect(s.ticked).toBe(true);
      apply(s, { kind: 'advance', t: (obs(fn, s.warmUp).t + obs(fn, s.warmUp - 1).t) / 2 });
      expect(s.ticked).toBe(false);
    }
  });

  it('advance never adds an observation', () => {
    const s = make(fn);
    const before = Math.max(0, s.warmUp - 1);
    feed(s, first(fn, before));
    const last = obs(fn, Math.max(0, before - 1)).t;
    for (let k = 1; k <= 50; k++) s.advance(last + k * 1e6);
    expect(s.ready).toBe(s.warmUp === 0);
    if (s.warmUp > 0) expect(same(s.value, s.fallback)).toBe(true);
    // Advancing to a time, then observing at or after it, is the same as just observing.
    const plain = make(fn);
    const advanced = make(fn);
    for (let k = 0; k < 40; k++) {
      const op = obs(fn, k);
      apply(plain, op);
      advanced.advance(op.t - 3e5);
      apply(advanced, op);
      advanced.advance(op.t);
      expect(same(advanced.value, plain.value)).toBe(true);
      expect(state(advanced)).toBe(state(plain));
    }
  });

  it('reset returns to the initial state', () => {
    const s = make(fn);
    const initial = state(s);
    feed(s, first(fn, 40));
    expect(state(s)).not.toBe(initial);
    s.reset();
    expect(state(s)).toBe(initial);
    expect(s.ready).toBe(s.warmUp === 0);
    expect(s.ticked).toBe(false);
    const fresh = make(fn);
    for (const op of first(fn, 40)) {
      apply(s, op);
      apply(fresh, op);
      expect(same(s.value, fresh.value)).toBe(true);
    }
  });

  it('ignores non-finite input without an exception (non-finite value: time still passes; non-finite time: nothing)', () => {
    const base = first(fn, 20);
    const lastValid = base[base.length - 1];
    if (!lastValid) throw new Error('no observations');
    const t = lastValid.t + 0.5e9;
    for (const { bad, same: equivalent } of invalidInputs(fn, t, lastValid)) {
      const a = make(fn);
      const b = make(fn);
      feed(a, base);
      feed(b, base);
      expect(() => apply(a, bad)).not.toThrow();
      if (equivalent) apply(b, equivalent);
      expect(state(a), JSON.stringify(bad)).toBe(state(b));
      expect(same(a.value, b.value)).toBe(true);
      if (inputOf(fn) !== 'pair') expect(a.ticked).toBe(false);
    }
  });

  it('takes a time earlier than the latest seen as the latest seen', () => {
    const a = make(fn);
    const b = make(fn);
    const base = first(fn, 15);
    feed(a, base);
    feed(b, base);
    const now = (base[base.length - 1]?.t ?? 0) + 2e6;
    a.advance(now);
    b.advance(now);
    const later = obs(fn, 40);
    apply(a, { ...later, t: now - 1e6 });
    apply(b, { ...later, t: now });
    expect(state(a)).toBe(state(b));
  });

  it('restores from a JSON snapshot and continues bit for bit', () => {
    fc.assert(
      fc.property(caseArb(inputOf(fn), 200), fc.double({ min: 0, max: 1, noNaN: true }), (c, split) => {
        const cut = Math.floor(split * c.ops.length);
        const original = make(fn);
        feed(original, c.ops.slice(0, cut));
        const snapshot = JSON.parse(JSON.stringify(original.exportState())) as ReturnType<StatefulSignal['exportState']>;
        const restored = make(fn);
        restored.importState(snapshot);
        expect(state(restored)).toBe(state(original));
        expect(restored.ready).toBe(original.ready);
        expect(same(restored.value, original.value)).toBe(true);
        for (const op of c.ops.slice(cut)) {
          apply(original, op);
          apply(restored, op);
          expect(same(restored.value, original.value)).toBe(true);
          expect(restored.ticked).toBe(original.ticked);
          expect(restored.ready).toBe(original.ready);
        }
        expect(state(restored)).toBe(state(original));
      }),
      { seed: 424242, numRuns: 60 },
    );
  });

  it('refuses a snapshot of another computation', () => {
    const s = make(fn);
    feed(s, first(fn, 5));
    const snap = s.exportState();
    const otherFn = allFns.find((f) => f !== fn) ?? 'returns';
    expect(() => make(otherFn).importState(snap)).toThrow(/snapshot/);
    if (fn !== 'returns') expect(() => createStateful(fn, paramsFor(fn, WINDOW_SEC * 2)).importState(snap)).toThrow(/parameters differ/);
  });
});
