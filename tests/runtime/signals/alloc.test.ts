// No allocation per observation: after a warm-up, 1e6 updates of each built-in must leave the heap
// where it was (process.memoryUsage().heapUsed) and trigger no garbage collection. Not a timing test.
//
// Inputs are integer-valued — prices and quantities in ticks and lots, as the hot path keeps them,
// times in ns from 0 — because V8 boxes a non-integer double passed as an argument to a function it
// did not inline: that 16-byte box belongs to the call site, not to the signal (the engine's
// generated code keeps one monomorphic call site per signal, which V8 inlines). Small integers pass
// unboxed, so what is measured here is the signal's own work. Each signal gets a loop function of
// its own for the same reason.
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import type { StatefulFn, StatefulSignal } from '../../../runtime/signals/contract.js';
import { createStateful } from '../../../runtime/signals/index.js';
import { allFns, paramsFor } from './ops.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (() => void) | undefined;

const N = 1_000_000;
/** 1e-4 s: with a mean gap of ~500 ns, about 200 observations in the window, expiring all the time. */
const WINDOW_SEC = 1e-4;
const xs = new Float64Array(N);
const ys = new Float64Array(N);
const qs = new Float64Array(N);
const ts = new Float64Array(N);
{
  let seed = 7;
  const next = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
  let x = 600_000;
  let y = 30_000;
  let t = 0;
  for (let i = 0; i < N; i++) {
    x += Math.floor(next() * 7) - 3;
    y += Math.floor(next() * 5) - 2;
    t += Math.floor(next() * 1000);
    xs[i] = x;
    ys[i] = y;
    qs[i] = 1 + Math.floor(next() * 20);
    ts[i] = t;
  }
}

const gcTimes: number[] = [];
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcTimes.push(e.startTime);
});
observer.observe({ entryTypes: ['gc'] });
afterAll(() => observer.disconnect());

type Loop = (s: StatefulSignal, xs: Float64Array, ys: Float64Array, qs: Float64Array, ts: Float64Array, n: number) => void;

function loopFor(fn: StatefulFn, s: StatefulSignal): Loop {
  const call = s.input === 'series' ? 's.update(xs[i], ts[i])' : s.input === 'trades' ? 's.trade(xs[i], qs[i], ts[i])' : 's.update(xs[i], ys[i], ts[i])';
  // The comment makes the source, hence the compiled function and its call-site feedback, unique.
  return new Function('s', 'xs', 'ys', 'qs', 'ts', 'n', `// ${fn}\nfor (let i = 0; i < n; i++) ${call};`) as Loop;
}

describe.skipIf(gc === undefined)('no allocation per observation', () => {
  for (const fn of allFns) {
    it(fn, async () => {
      const s = createStateful(fn, paramsFor(fn, WINDOW_SEC));
      const loop = loopFor(fn, s);
      for (let r = 0; r < 4; r++) {
        loop(s, xs, ys, qs, ts, N);
        s.reset(); // keeps the rings' capacity
      }
      gc?.();
      await new Promise((resolve) => setTimeout(resolve, 0));
      const t0 = performance.now();
      const before = process.memoryUsage().heapUsed;
      loop(s, xs, ys, qs, ts, N);
      const grown = process.memoryUsage().heapUsed - before;
      const t1 = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 0));
      const collections = gcTimes.filter((t) => t >= t0 && t <= t1).length;
      expect(Number.isFinite(s.value) || s.warmUp > 0).toBe(true);
      expect(grown, `heap grew by ${grown} bytes over ${N} updates`).toBeLessThan(256 * 1024);
      expect(collections, 'garbage collections during the measured updates').toBe(0);
    });
  }
});
