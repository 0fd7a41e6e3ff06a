import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../../schemas/generated/plan.js';
import { ScenarioSwitch } from '../../../runtime/scenarios.js';

const sc = (name: string, over: Partial<Scenario> = {}): Scenario => ({
  name, priority: 0, enter: 0, enterAfterSec: 0, minHoldSec: 0, overrides: [], pause: false, reduceOnly: false, ...over,
});

describe('scenario switching', () => {
  it('applies the first active scenario in priority order', () => {
    const s = new ScenarioSwitch([sc('news'), sc('high_vol')]);
    const conds = [false, true];
    expect(s.update(0, (i) => conds[i] ?? false, () => undefined)).toEqual({ tNs: 0, from: 'normal', to: 'high_vol' });
    conds[0] = true;
    expect(s.update(1, (i) => conds[i] ?? false, () => undefined)?.to).toBe('news');
    conds[0] = false;
    expect(s.update(2, (i) => conds[i] ?? false, () => undefined)?.to).toBe('high_vol');
  });

  it('waits `for` before entering, holds `hold` after, and leaves on its exit condition', () => {
    const s = new ScenarioSwitch([sc('hv', { enterAfterSec: 5, minHoldSec: 60, exit: 1 })]);
    let enter = true;
    let exit = false;
    const step = (t: number): string | undefined => s.update(t * 1e9, () => enter, () => exit)?.to;
    expect(step(0)).toBeUndefined();
    expect(step(4)).toBeUndefined();
    expect(step(5)).toBe('hv');
    enter = false; // the entry condition alone does not end it: it has an exit condition
    expect(step(10)).toBeUndefined();
    exit = true;
    expect(step(30)).toBeUndefined(); // held for 60 s
    expect(step(65)).toBe('normal');
  });

  it('does not flap when the condition flickers under `for`', () => {
    const s = new ScenarioSwitch([sc('hv', { enterAfterSec: 2 })]);
    const changes: string[] = [];
    for (let t = 0; t < 100; t++) {
      const c = s.update(t * 1e9, () => t % 3 !== 0, () => undefined);
      if (c) changes.push(c.to);
    }
    expect(changes).toEqual([]);
  });
});
