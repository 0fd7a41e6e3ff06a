// Scheduled and announced events (CPI, FOMC…) as the engine knows them: per name, the event times
// announced so far. `event("cpi") within 2m` holds while some cpi time is within 2 minutes of now,
// before or after. Times are ns on the same clock as market events.
export class Calendar {
  private readonly times: number[][];

  constructor(readonly names: readonly string[]) {
    this.times = names.map(() => []);
  }

  add(name: number, atNs: number): void {
    const list = this.times[name];
    if (!list) return;
    // Kept sorted; announcements are rare, so insertion is fine.
    let i = list.length;
    while (i > 0 && (list[i - 1] ?? 0) > atNs) i--;
    list.splice(i, 0, atNs);
  }

  addByName(name: string, atNs: number): void {
    const i = this.names.indexOf(name);
    if (i >= 0) this.add(i, atNs);
  }

  within(name: number, windowNs: number, t: number): boolean {
    const list = this.times[name];
    if (!list || list.length === 0) return false;
    // First time >= t - window (binary search), then check it is <= t + window.
    let lo = 0;
    let hi = list.length;
    const from = t - windowNs;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((list[mid] ?? 0) < from) lo = mid + 1;
      else hi = mid;
    }
    const x = list[lo];
    return x !== undefined && x <= t + windowNs;
  }

  /**
   * The first time after `t` at which `within(name, windowNs, ·)` can change: an edge x − W or
   * x + W of some event time x (Infinity when none is left).
   */
  nextEdge(name: number, windowNs: number, t: number): number {
    const list = this.times[name];
    if (!list) return Infinity;
    // Times are sorted, so the first x with x + W > t holds the earliest edge after t.
    for (let k = 0; k < list.length; k++) {
      const x = list[k] ?? 0;
      if (x + windowNs <= t) continue;
      return x - windowNs > t ? x - windowNs : x + windowNs;
    }
    return Infinity;
  }

  export(): Record<string, number[]> {
    return Object.fromEntries(this.names.map((n, i) => [n, [...(this.times[i] ?? [])]]));
  }

  import(s: Record<string, number[]>): void {
    this.names.forEach((n, i) => {
      const list = s[n];
      if (list) this.times[i] = [...list].sort((a, b) => a - b);
    });
  }
}
