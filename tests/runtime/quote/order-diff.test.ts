import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DesiredSide } from '../../../runtime/quote/desired.js';
import { diffOne, diffSide, type DiffPolicy, type DiffSink, type WorkingOrderView } from '../../../runtime/quote/order-diff.js';

type Action = ['place', number, number] | ['amend', number, number, number] | ['cancel', number];

function diff(working: Array<[number, number, number?]>, desired: Array<[number, number]>, opts: { tol?: number; maxAgeNs?: number; now?: number; descending?: boolean } = {}): Action[] {
  const w: WorkingOrderView[] = working.map(([p, q, since], i) => ({ id: i + 1, priceTicks: p, qty: q, sinceNs: since ?? 0 }));
  const d = new DesiredSide(16);
  for (const [p, q] of desired) d.push(p, q);
  const out: Action[] = [];
  diffSide(w, d, { toleranceTicks: opts.tol ?? 0, maxAgeNs: opts.maxAgeNs ?? Infinity, nowNs: opts.now ?? 0, descending: opts.descending ?? true }, {
    place: (_l, p, q) => out.push(['place', p, q]),
    amend: (id, _l, p, q) => out.push(['amend', id, p, q]),
    cancel: (id) => out.push(['cancel', id]),
  }, { keptW: new Uint8Array(16), keptD: new Uint8Array(16) });
  return out;
}

describe('order diff', () => {
  it('does nothing when working equals desired', () => {
    expect(diff([[100, 1], [99, 1]], [[100, 1], [99, 1]])).toEqual([]);
  });

  it('keeps orders within the refresh tolerance', () => {
    expect(diff([[100, 1]], [[101, 1]], { tol: 1 })).toEqual([]);
    expect(diff([[100, 1]], [[102, 1]], { tol: 1 })).toEqual([['amend', 1, 102, 1]]);
  });

  it('moves a ladder shifted by one level with one action, not three', () => {
    // Bids: working 101,100,99 → desired 100,99,98: keep 100 and 99, move 101 to 98.
    expect(diff([[101, 1], [100, 1], [99, 1]], [[100, 1], [99, 1], [98, 1]])).toEqual([['amend', 1, 98, 1]]);
  });

  it('places and cancels when the level count changes', () => {
    expect(diff([[100, 1]], [[100, 1], [99, 1]])).toEqual([['place', 99, 1]]);
    expect(diff([[100, 1], [99, 1]], [[100, 1]])).toEqual([['cancel', 2]]);
    expect(diff([[100, 1], [99, 1]], [])).toEqual([['cancel', 1], ['cancel', 2]]);
  });

  it('replaces orders older than the maximum age, and resized ones', () => {
    expect(diff([[100, 1, 0]], [[100, 1]], { maxAgeNs: 5e9, now: 6e9 })).toEqual([['amend', 1, 100, 1]]);
    expect(diff([[100, 1]], [[100, 2]])).toEqual([['amend', 1, 100, 2]]);
  });

  it('works for asks sorted from the lowest price', () => {
    expect(diff([[99, 1], [100, 1], [101, 1]], [[100, 1], [101, 1], [102, 1]], { descending: false })).toEqual([['amend', 1, 102, 1]]);
  });

  it('uses max(working, desired) − kept actions, the fewest possible', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 90, max: 110 }), { maxLength: 6 }),
        fc.uniqueArray(fc.integer({ min: 90, max: 110 }), { maxLength: 6 }),
        fc.integer({ min: 0, max: 2 }),
        (w, d, tol) => {
          const ws = [...w].sort((a, b) => b - a).map((p): [number, number] => [p, 1]);
          const ds = [...d].sort((a, b) => b - a).map((p): [number, number] => [p, 1]);
          const actions = diff(ws, ds, { tol });
          // Brute force the largest set of keepable pairs (each working order kept for at most one level).
          const best = maxKeep(ws.map((x) => x[0]), ds.map((x) => x[0]), tol);
          expect(actions.length).toBe(Math.max(ws.length, ds.length) - best);
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });
});

function maxKeep(w: number[], d: number[], tol: number, i = 0, used = new Set<number>()): number {
  if (i >= w.length) return 0;
  let best = maxKeep(w, d, tol, i + 1, used);
  for (let j = 0; j < d.length; j++) {
    if (used.has(j) || Math.abs((w[i] ?? 0) - (d[j] ?? 0)) > tol) continue;
    used.add(j);
    best = Math.max(best, 1 + maxKeep(w, d, tol, i + 1, used));
    used.delete(j);
  }
  return best;
}

describe('the one-order diff', () => {
  it('decides exactly what diffSide decides for one order and one level', () => {
    const tick = fc.integer({ min: 9_990, max: 10_010 });
    const qty = fc.constantFrom(0.5, 1, 2);
    fc.assert(
      fc.property(tick, qty, fc.integer({ min: 0, max: 10 }), tick, qty, fc.integer({ min: 0, max: 4 }), fc.oneof(fc.constant(Infinity), fc.integer({ min: 0, max: 10 })), fc.boolean(), (wp, wq, since, dp, dq, tol, maxAge, descending) => {
        const w: WorkingOrderView = { id: 7, priceTicks: wp, qty: wq, sinceNs: since };
        const d = new DesiredSide(4);
        d.push(dp, dq);
        const policy: DiffPolicy = { toleranceTicks: tol, maxAgeNs: maxAge, nowNs: 10, descending };
        const record = (out: unknown[]): DiffSink => ({
          place: (l, p, q) => out.push(['place', l, p, q]),
          amend: (id, l, p, q) => out.push(['amend', id, l, p, q]),
          cancel: (id) => out.push(['cancel', id]),
        });
        const general: unknown[] = [];
        const one: unknown[] = [];
        const n = diffSide([w], d, policy, record(general), { keptW: new Uint8Array(4), keptD: new Uint8Array(4) });
        expect(diffOne(w, d, policy, record(one))).toBe(n);
        expect(one).toEqual(general);
      }),
      { numRuns: 2000 },
    );
  });
});
