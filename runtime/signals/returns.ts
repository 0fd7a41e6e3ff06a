// returns(x): the log return of a positive series since its previous distinct value.
import type { SeriesSignal, SignalSnapshot } from './contract.js';
import { checkSnapshot, encode, makeSnapshot, readNumber } from './snapshot.js';

/**
 * returns(x) — observation x (a positive series) → value ln(x / previous x).
 *
 * - A new value is produced only when x differs from the previous observation; `ticked` says
 *   whether the last update produced one (the engine feeds downstream signals only then). An
 *   update with the same x keeps the value and sets `ticked` false.
 * - NaN (not ready) until two distinct observations; warm-up 2.
 * - Time plays no part in the value; `advance` does nothing.
 * - Non-finite or non-positive x (no logarithm), or a non-finite time, is ignored: no observation,
 *   `ticked` false.
 */
export class Returns implements SeriesSignal {
  readonly fn = 'returns' as const;
  readonly input = 'series' as const;
  readonly warmUp = 2;
  readonly fallback = NaN;
  private prev = NaN;
  private current = NaN;
  private tick = false;

  update(x: number, tNs: number): void {
    this.tick = false;
    if (!(x > 0) || x === Infinity || !Number.isFinite(tNs)) return;
    if (this.prev !== this.prev) {
      this.prev = x;
      return;
    }
    if (x === this.prev) return;
    this.current = Math.log(x / this.prev);
    this.prev = x;
    this.tick = true;
  }

  get value(): number {
    return this.current;
  }

  get ready(): boolean {
    return this.current === this.current;
  }

  get ticked(): boolean {
    return this.tick;
  }

  advance(_tNs: number): void {
    this.tick = false;
  }

  reset(): void {
    this.prev = NaN;
    this.current = NaN;
    this.tick = false;
  }

  exportState(): SignalSnapshot {
    return makeSnapshot(this.fn, {}, { prev: encode(this.prev), value: encode(this.current) });
  }

  importState(snapshot: SignalSnapshot): void {
    const s = checkSnapshot(snapshot, this.fn, {});
    this.prev = readNumber(s, 'prev');
    this.current = readNumber(s, 'value');
    this.tick = false;
  }
}
