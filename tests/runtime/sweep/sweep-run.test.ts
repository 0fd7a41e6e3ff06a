// The sweep runner: worker threads that open the data themselves, results independent of the number
// of workers and equal to an in-process run, failed and crashed points reported while the others
// finish, and the worker module found from sources, from dist/ and from the CLI bundle.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { planHash } from '../../../compiler/hash.js';
import { compile } from '../../../compiler/program.js';
import { locateSweepWorker, runSweep, type SweepOutcome } from '../../../runtime/backtest/sweep.js';
import { gridPoints, parseGrid, variantPlan } from '../../../runtime/backtest/sweep-grid.js';
import { runSweepPoint, splitWindow, type SweepJob, type SweepTask } from '../../../runtime/backtest/sweep-job.js';
import { openData } from '../../../runtime/data/open.js';
import type { EventBatch } from '../../../runtime/events.js';
import { root } from '../../helpers.js';

const data = path.resolve(root, '../shared/data');
const fixture = path.join(data, 'lobster_aapl10_head');
const hasData = existsSync(fixture);
if (!hasData) console.warn(`skipping the sweep runner tests: no ${fixture} (see DESIGN.md, Data)`);

const file = 'rulesets/pure-symmetric.quoin';
const plan = compile(readFileSync(path.join(root, file), 'utf8'), { file }).plan;
if (!plan) throw new Error(`${file} does not compile`);
const grid = parseGrid('half_spread=1bps..5bps:5', plan);
const tasks: SweepTask[] = gridPoints(grid).map((p) => ({ index: p.index, values: p.values, hash: variantPlan(plan, p.values, planHash).hash }));

let batch: EventBatch;
let job: SweepJob;
beforeAll(async () => {
  if (!hasData) return;
  batch = (await openData(fixture)).batch;
  job = { plan, data: [fixture], cache: true, markets: {}, models: { latency: '1ms', fees: 'maker=-0.5bps,taker=2bps', queue: 'power(3)', seed: 7 }, parts: splitWindow(batch, {}, 0.6) };
});

/** Outcomes without wall times, for comparing runs. */
const stable = (outcomes: SweepOutcome[]): unknown => outcomes.map((o) => (o.ok ? { index: o.index, parts: o.parts } : o));

describe('locateSweepWorker', () => {
  it('boots the TypeScript source through tsx when running from sources', () => {
    const entry = locateSweepWorker(pathToFileURL(path.join(root, 'runtime/backtest/sweep.ts')));
    expect(entry).toEqual({ kind: 'tsx', url: pathToFileURL(path.join(root, 'runtime/backtest/sweep-worker.ts')) });
  });

  it.skipIf(!existsSync(path.join(root, 'dist/runtime/backtest/sweep-worker.js')))('finds the built worker from dist/ modules and from the CLI bundle', () => {
    const worker = pathToFileURL(path.join(root, 'dist/runtime/backtest/sweep-worker.js'));
    expect(locateSweepWorker(pathToFileURL(path.join(root, 'dist/runtime/backtest/sweep.js')))).toEqual({ kind: 'module', url: worker });
    expect(locateSweepWorker(pathToFileURL(path.join(root, 'dist/quoin.mjs')))).toEqual({ kind: 'module', url: worker });
  });
});

describe.skipIf(!hasData)('runSweep', () => {
  it('gives the same results on 1 and 3 workers, equal to running the points in process', async () => {
    const one = await runSweep({ job, tasks, workers: 1 });
    const three = await runSweep({ job, tasks, workers: 3 });
    expect(one.workers).toBe(1);
    expect(three.workers).toBe(3);
    expect(one.outcomes.every((o) => o.ok)).toBe(true);
    expect(stable(three.outcomes)).toEqual(stable(one.outcomes));
    const inProcess = tasks.map((t) => ({ index: t.index, parts: runSweepPoint(job, batch, t) }));
    expect(stable(one.outcomes)).toEqual(inProcess);
    // The variants really differ: the plan hash and the quotes follow the param.
    const first = one.outcomes[0];
    const last = one.outcomes[4];
    expect(first?.ok && last?.ok && first.parts[0]?.strategy.planHash !== last.parts[0]?.strategy.planHash).toBe(true);
    expect(first?.ok && first.parts[0]?.strategy.planHash).toBe(tasks[0]?.hash);
  }, 60_000);

  it('never starts more workers than points, and reports progress up to 1', async () => {
    const seen: number[] = [];
    const run = await runSweep({ job, tasks: tasks.slice(0, 2), workers: 8, onProgress: (p) => seen.push(p.fraction) });
    expect(run.workers).toBe(2);
    expect(seen.at(-1)).toBe(1);
    expect(seen.every((f, i) => i === 0 || f >= (seen[i - 1] ?? 0))).toBe(true);
  }, 60_000);

  it('reports a point that throws as failed and runs the rest', async () => {
    // A binding the data cannot satisfy makes every backtest throw, inside the worker.
    const bad = { ...job, markets: { m: 'binance:ETH/USDT' } };
    const run = await runSweep({ job: bad, tasks: tasks.slice(0, 3), workers: 2 });
    expect(run.outcomes.map((o) => o.ok)).toEqual([false, false, false]);
    expect(run.outcomes[0]).toMatchObject({ ok: false, error: expect.stringMatching(/ETH\/USDT/) });
    expect(run.crashes).toBe(0);
  }, 60_000);

  it('blames a crashed worker on the point it was running, replaces it, and keeps the others', async () => {
    const worker = { kind: 'tsx' as const, url: new URL('./crashing-worker.ts', import.meta.url) };
    const reference = await runSweep({ job, tasks, workers: 2 });
    const run = await runSweep({ job, tasks, workers: 2, worker });
    expect(run.crashes).toBe(2);
    const byIndex = new Map(run.outcomes.map((o) => [o.index, o]));
    expect(byIndex.get(2)).toMatchObject({ ok: false, error: 'the worker crashed while running this point: exit code 7' });
    expect(byIndex.get(3)).toMatchObject({ ok: false, error: 'the worker crashed while running this point: simulated crash' });
    const others = (o: SweepOutcome[]): unknown => stable(o.filter((x) => x.index !== 2 && x.index !== 3));
    expect(others(run.outcomes)).toEqual(others(reference.outcomes));
  }, 60_000);

  it('fails the sweep when no worker can open the data', async () => {
    await expect(runSweep({ job: { ...job, data: [path.join(root, 'no-such-data.gz')] }, tasks, workers: 2 })).rejects.toThrow(/a sweep worker could not start: .*no-such-data/);
  }, 60_000);
});
