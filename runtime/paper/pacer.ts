// Wall clock → event time for a paper instance: `speed` × wall time elapsed = event time elapsed
// (speed 1 = real time). Anchored at the first reading after a (re)start, so stopping and starting
// again continues event time where it stopped instead of jumping over the pause. A clock that runs
// backwards holds event time still; a gap longer than `maxLagMs` between readings (a suspended
// laptop, a blocked event loop) is skipped rather than caught up in one huge step.
export class WallPacer {
  private anchorWallMs = NaN;
  private anchorEventNs: number;
  private lastWallMs = NaN;
  private lastEventNs: number;

  constructor(
    startEventNs: number,
    private speedFactor: number,
    private readonly maxLagMs: number,
  ) {
    checkSpeed(speedFactor);
    this.anchorEventNs = startEventNs;
    this.lastEventNs = startEventNs;
  }

  get speed(): number {
    return this.speedFactor;
  }

  /** Event time for wall time `nowMs` (ns, never less than the last answer). */
  eventTimeAt(nowMs: number): number {
    if (Number.isNaN(this.anchorWallMs)) {
      this.anchorWallMs = nowMs;
      this.anchorEventNs = this.lastEventNs;
      this.lastWallMs = nowMs;
      return this.lastEventNs;
    }
    const now = Math.max(nowMs, this.lastWallMs);
    const lag = now - this.lastWallMs;
    if (lag > this.maxLagMs) this.anchorWallMs += lag - this.maxLagMs;
    this.lastWallMs = now;
    const t = this.anchorEventNs + Math.floor((now - this.anchorWallMs) * 1e6 * this.speedFactor);
    this.lastEventNs = Math.max(this.lastEventNs, t);
    return this.lastEventNs;
  }

  /** Forget the anchor: the next reading continues from the event time reached so far. */
  reanchor(): void {
    this.anchorWallMs = NaN;
  }

  setSpeed(speed: number): void {
    checkSpeed(speed);
    this.speedFactor = speed;
    this.reanchor();
  }
}

function checkSpeed(speed: number): void {
  if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be a number > 0, not ${speed}`);
}
