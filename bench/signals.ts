// Throughput of the stateful built-ins (runtime/signals): for each fn, the median of 5 runs of
// 2,000,000 updates on a synthetic BTC-like stream (a random walk around 60,000 in 0.1 ticks, one
// event every 0–2 ms, so a 60 s window holds ~60,000 observations; trades with random sizes; a
// second mid for beta), printed as `bench: signal <fn> = <value> updates/s`. Figures only: nothing
// is asserted. `npx tsx bench/signals.ts` runs it alone.
import { pathToFileURL } from 'node:url';
import { median } from 'simple-statistics';
import type { StatefulFn, StatefulSignal } from '../runtime/signals/contract.js';
import { createStateful, statefulFns } from '../runtime/signals/index.js';

const UPDATES = 2_000_000;
const RUNS = 5;
const WINDOW_SEC = 60;

function stream(n: number): { x: Float64Array; y: Float64Array; q: Float64Array; t: Float64Array } {
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const q = new Float64Array(n);
  const t = new Float64Array(n);
  let seed = 20240808;
  const next = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
  let px = 60_000;
  let py = 2_600;
  let tNs = 86_000e9;
  for (let i = 0; i < n; i++) {
    // Most events leave the mid unchanged, as in the real feed (3% of BTCUSDT bookTicker events move it).
    if (next() < 0.2) px = Math.round((px + (next() < 0.5 ? -0.1 : 0.1)) * 10) / 10;
    if (next() < 0.2) py = Math.round((py + (next() < 0.5 ? -0.01 : 0.01)) * 100) / 100;
    x[i] = px;
    y[i] = py;
    q[i] = Math.round(next() * next() * 2000) / 1000 + 0.001;
    tNs += Math.floor(next() * 2e6);
    t[i] = tNs;
  }
  return { x, y, q, t };
}

type Loop = (s: StatefulSignal, x: Float64Array, y: Float64Array, q: Float64Array, t: Float64Array, off: number) => number;

/** A loop of its own per fn (one monomorphic call site, as the engine's generated code has); returns a value so nothing is dead code. */
function loopFor(fn: StatefulFn, s: StatefulSignal): Loop {
  const call = s.input === 'series' ? 's.update(x[i], t[i] + off)' : s.input === 'trades' ? 's.trade(x[i], q[i], t[i] + off)' : 's.update(x[i], y[i], t[i] + off)';
  return new Function('s', 'x', 'y', 'q', 't', 'off', `// ${fn}\nconst n = x.length;\nfor (let i = 0; i < n; i++) ${call};\nreturn s.value;`) as Loop;
}

/** As bench/run.ts prints rates: compact exponent form. */
function format(rate: number): string {
  return rate >= 1e4 ? rate.toExponential(1).replace('e+', 'e') : String(Number(rate.toPrecision(3)));
}

export async function run(print: (line: string) => void): Promise<void> {
  const data = stream(UPDATES);
  const span = (data.t[UPDATES - 1] ?? 0) - (data.t[0] ?? 0) + 3600e9;
  for (const fn of statefulFns) {
    const s = createStateful(fn, fn === 'ewm_mean' || fn === 'ewm_stdev' ? { halflifeSec: WINDOW_SEC } : { windowSec: WINDOW_SEC });
    const loop = loopFor(fn, s);
    let sink = loop(s, data.x, data.y, data.q, data.t, 0); // warm-up: JIT and ring capacity
    const rates: number[] = [];
    for (let r = 1; r <= RUNS; r++) {
      const started = process.hrtime.bigint();
      sink += loop(s, data.x, data.y, data.q, data.t, r * span); // later in time: the stream continues
      rates.push(UPDATES / (Number(process.hrtime.bigint() - started) / 1e9));
    }
    if (Number.isNaN(sink) && s.warmUp === 0) throw new Error(`${fn} produced NaN`);
    print(`bench: signal ${fn} = ${format(median(rates))} updates/s`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run((line) => process.stdout.write(`${line}\n`));
}
