// Pacing: speed × wall time = event time, driven by pump() with an injected clock (no sleeping).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PaperInstance } from '../../../runtime/paper/paper-instance.js';
import { WallPacer } from '../../../runtime/paper/pacer.js';
import { simulateMarket } from '../../../runtime/sim/simulated-market.js';
import { FakeClock, MAX_POSITION, tightPlan, withinLimit } from './helpers.js';

const plan = tightPlan();
const batch = simulateMarket({ markets: [{ venue: 'binance', symbol: 'BTC/USDT', tickSize: 0.01, lotSize: 0.00001, startPrice: 60_000 }], seed: 4, durationSec: 120, startNs: 36_000e9 });
const rowsUpTo = (t: number): number => batch.exchTs.filter((x) => x <= t).length;

describe('WallPacer', () => {
  it('anchors at the first reading and then runs at speed × wall time', () => {
    const p = new WallPacer(5e9, 10, 5000);
    expect(p.eventTimeAt(1000)).toBe(5e9);
    expect(p.eventTimeAt(1100)).toBe(5e9 + 1e9);
    expect(p.eventTimeAt(1100)).toBe(6e9);
    expect(p.eventTimeAt(1350)).toBe(5e9 + 3.5e9);
  });

  it('holds event time when the clock goes back, and skips a long gap instead of catching it up', () => {
    const p = new WallPacer(0, 1, 2000);
    p.eventTimeAt(10_000);
    expect(p.eventTimeAt(11_000)).toBe(1e9);
    expect(p.eventTimeAt(10_500)).toBe(1e9);
    expect(p.eventTimeAt(11_500)).toBe(1.5e9);
    // An hour asleep: only the 2 s allowed count.
    expect(p.eventTimeAt(11_500 + 3_600_000)).toBe(3.5e9);
    expect(p.eventTimeAt(11_500 + 3_601_000)).toBe(4.5e9);
  });

  it('continues from where it stood after a re-anchor, and at a new speed after setSpeed', () => {
    const p = new WallPacer(0, 1, 5000);
    p.eventTimeAt(0);
    expect(p.eventTimeAt(1000)).toBe(1e9);
    p.reanchor();
    expect(p.eventTimeAt(60_000)).toBe(1e9);
    expect(p.eventTimeAt(61_000)).toBe(2e9);
    p.setSpeed(4);
    expect(p.eventTimeAt(70_000)).toBe(2e9);
    expect(p.eventTimeAt(70_500)).toBe(4e9);
    expect(() => p.setSpeed(0)).toThrow(/speed/);
    expect(() => new WallPacer(0, Number.NaN, 1)).toThrow(/speed/);
  });
});

describe('paper instance pacing', () => {
  for (const speed of [1, 10]) {
    it(`advances speed × wall time of event time at speed ${speed}, processing exactly the events up to it`, () => {
      const clock = new FakeClock();
      const inst = new PaperInstance({ id: `p${speed}`, plan, market: { kind: 'replay', batch, speed }, clock: clock.now });
      const start = batch.exchTs[0] ?? 0;
      inst.pump();
      expect(inst.snapshot().eventTimeNs).toBe(start);
      for (const stepMs of [1000, 250, 50, 2000, 700]) {
        const before = inst.snapshot().eventTimeNs;
        clock.ms += stepMs;
        inst.pump();
        const s = inst.snapshot();
        expect(s.eventTimeNs - before).toBe(stepMs * 1e6 * speed);
        expect(s.eventsProcessed).toBe(rowsUpTo(s.eventTimeNs));
        expect(s.eventTime).toBe(new Date(batch.dayEpochMs + s.eventTimeNs / 1e6).toISOString());
        withinLimit(inst, MAX_POSITION);
      }
    });
  }

  it('runs on a timer after start() and stands still after stop()', () => {
    vi.useFakeTimers();
    const inst = new PaperInstance({ id: 'timer', plan, market: { kind: 'simulated', seed: 1, spanSec: 30 }, clock: () => Date.now(), pumpEveryMs: 50 });
    inst.start();
    expect(inst.status).toBe('running');
    const t0 = inst.snapshot().eventTimeNs;
    vi.advanceTimersByTime(1000);
    expect(inst.snapshot().eventTimeNs - t0).toBe(1e9);
    inst.stop();
    expect(inst.status).toBe('stopped');
    vi.advanceTimersByTime(5000);
    expect(inst.snapshot().eventTimeNs - t0).toBe(1e9);
    // Started again: event time continues where it stopped, it does not jump over the pause.
    inst.start();
    vi.advanceTimersByTime(500);
    expect(inst.snapshot().eventTimeNs - t0).toBe(1.5e9);
    inst.stop();
  });

  it('changes pace with setSpeed, keeping the event time reached', () => {
    const clock = new FakeClock();
    const inst = new PaperInstance({ id: 'speed', plan, market: { kind: 'simulated', seed: 1, spanSec: 30 }, clock: clock.now });
    inst.pump();
    clock.ms += 1000;
    inst.pump();
    inst.setSpeed(5);
    inst.pump();
    clock.ms += 1000;
    inst.pump();
    expect(inst.snapshot().eventTimeNs).toBe(6e9);
    expect(inst.snapshot().market.speed).toBe(5);
  });
});

afterEach(() => {
  vi.useRealTimers();
});
