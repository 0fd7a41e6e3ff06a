// Scenario switching (MISSION T2). Each scenario runs its own small state machine with hysteresis —
// its condition must hold `enterAfter` before it activates, it leaves on its exit condition (or when
// its condition stops holding), and not before `minHold` — and the first active scenario in priority
// order applies. Pure of I/O: the engine feeds it condition values and event time.
import type { Scenario } from '../schemas/generated/plan.js';

export interface ScenarioState {
  active: boolean;
  /** Since when the entry condition has held continuously (NaN: it does not hold). */
  holdingSinceNs: number;
  activeSinceNs: number;
}

export interface ScenarioChange {
  tNs: number;
  from: string;
  to: string;
}

export const NORMAL = 'normal';

export class ScenarioSwitch {
  readonly states: ScenarioState[];
  /** Index of the applied scenario, -1 for normal. */
  current = -1;
  /**
   * After an update: the earliest time a scenario waiting on `enter after` or `min hold` can switch
   * with its condition unchanged (Infinity: none waits). The engine evaluates then.
   */
  dueNs = Infinity;

  constructor(readonly scenarios: readonly Scenario[]) {
    this.states = scenarios.map(() => ({ active: false, holdingSinceNs: NaN, activeSinceNs: NaN }));
  }

  get name(): string {
    return this.current < 0 ? NORMAL : this.scenarios[this.current]?.name ?? NORMAL;
  }

  /** `enter(i)`/`exit(i)` read the scenario's condition nodes; returns the change, if any. */
  update(tNs: number, enter: (i: number) => boolean, exit: (i: number) => boolean | undefined): ScenarioChange | undefined {
    let selected = -1;
    let due = Infinity;
    for (let i = 0; i < this.scenarios.length; i++) {
      const sc = this.scenarios[i];
      const st = this.states[i];
      if (!sc || !st) continue;
      const cond = enter(i);
      if (cond) {
        if (Number.isNaN(st.holdingSinceNs)) st.holdingSinceNs = tNs;
      } else {
        st.holdingSinceNs = NaN;
      }
      if (!st.active) {
        if (cond && tNs - st.holdingSinceNs >= sc.enterAfterSec * 1e9) {
          st.active = true;
          st.activeSinceNs = tNs;
        } else if (cond) {
          due = Math.min(due, st.holdingSinceNs + sc.enterAfterSec * 1e9);
        }
      } else {
        const leave = sc.exit === undefined ? !cond : exit(i) === true;
        if (leave && tNs - st.activeSinceNs >= sc.minHoldSec * 1e9) {
          st.active = false;
          st.activeSinceNs = NaN;
        } else if (leave) {
          due = Math.min(due, st.activeSinceNs + sc.minHoldSec * 1e9);
        }
      }
      if (st.active && selected < 0) selected = i;
    }
    this.dueNs = due;
    if (selected === this.current) return undefined;
    const from = this.name;
    this.current = selected;
    return { tNs, from, to: this.name };
  }

  export(): { current: string; states: Record<string, ScenarioState> } {
    const states: Record<string, ScenarioState> = {};
    this.scenarios.forEach((s, i) => {
      const st = this.states[i];
      if (st) states[s.name] = { ...st };
    });
    return { current: this.name, states };
  }

  /** Carries state across a hot-swap by scenario name; new scenarios start inactive. */
  import(s: { current: string; states: Record<string, ScenarioState> }): void {
    this.scenarios.forEach((sc, i) => {
      const prior = s.states[sc.name];
      if (prior) this.states[i] = { ...prior };
    });
    this.current = this.scenarios.findIndex((sc) => sc.name === s.current);
  }
}
