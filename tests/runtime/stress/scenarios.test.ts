// The scenario registry, applyScenario and the scenario text parser.
import { describe, expect, it } from 'vitest';
import type { EventBatch } from '../../../runtime/events.js';
import {
  applyScenario,
  applyStressSpec,
  parseStressSpec,
  parseStressSpecs,
  resolveStressSpec,
  scenarioOptions,
  stressScenarioNames,
  stressScenarios,
  stressTransforms,
  StressError,
} from '../../../runtime/stress/index.js';
import { checkBatch } from '../../../runtime/stress/invariants.js';
import { streamSpan } from '../../../runtime/stress/time.js';
import { toxicFlow } from '../../../runtime/stress/toxic-flow.js';
import { outage } from '../../../runtime/stress/outage.js';
import { gap } from '../../../runtime/stress/gap.js';
import { runChecked } from './expect.js';
import { syntheticL2, syntheticL3 } from './synthetic.js';
import { columnsDiffer, copyColumns } from './verify.js';

const l2 = syntheticL2({ seed: 3, messages: 1200, markets: 2 });
const l3 = syntheticL3({ seed: 5, messages: 1200 });

/** The same batch with its clock running `factor` times slower (spans from seconds to hours). */
function stretch(b: EventBatch, factor: number): EventBatch {
  const t0 = b.exchTs[0] ?? 0;
  return { ...b, exchTs: b.exchTs.map((t) => t0 + (t - t0) * factor), localTs: b.localTs.map((t) => t0 + (t - t0) * factor) };
}

describe('stressScenarios', () => {
  it('has the stable names, each with a one-line description and a transform', () => {
    expect(stressScenarioNames).toEqual(['gap_up', 'gap_down', 'flash_crash', 'vol_x3', 'liquidity_drought', 'toxic_sell', 'toxic_buy', 'latency_spike', 'venue_outage', 'stale_feed']);
    for (const name of stressScenarioNames) {
      const s = stressScenarios[name];
      expect(s.description.length).toBeGreaterThan(20);
      expect(s.description).not.toContain('\n');
      expect(Object.keys(stressTransforms)).toContain(s.transform);
    }
  });

  it('scales its times to the batch: fractions of the span, capped for long streams', () => {
    const short = l2;
    const long = stretch(l2, 100);
    const spanShort = streamSpan(short).durationS;
    expect(spanShort).toBeGreaterThan(60);
    expect(streamSpan(long).durationS).toBeGreaterThan(3600);
    expect(scenarioOptions('flash_crash', short)).toMatchObject({ dropPct: 5, at: 0.4, fallS: Math.round(0.05 * spanShort * 1000) / 1000 });
    expect(scenarioOptions('flash_crash', long)).toMatchObject({ fallS: 30, recoverS: 120 });
    expect(scenarioOptions('venue_outage', long)).toEqual({ at: 0.5, durationS: 60 });
    expect(scenarioOptions('vol_x3', long)).toMatchObject({ k: 3, anchorHalfLifeS: 300 });
    expect(scenarioOptions('gap_down', long)).toEqual({ pct: -5, at: 0.5 });
    expect(scenarioOptions('toxic_buy', short, { ratePerS: 3 })).toMatchObject({ side: 'buy', ratePerS: 3 });
    expect(() => scenarioOptions('toxic_buy', short, { rate: 3 })).toThrow(/toxic_buy: unknown option "rate"/);
  });

  for (const [name, batch] of [
    ['L2', l2],
    ['L3', l3],
  ] as const) {
    it(`${name}: every scenario gives a valid, uncrossed, deterministic batch and leaves its input alone`, () => {
      for (const s of stressScenarioNames) {
        const out = runChecked(batch, (b) => applyScenario(s, b, 42));
        expect(out.length, s).toBeGreaterThan(0);
      }
    });
  }

  it('the seed reaches the random transforms', () => {
    const a = applyScenario('toxic_sell', l2, 1);
    expect(columnsDiffer(copyColumns(applyScenario('toxic_sell', l2, 1)), copyColumns(a))).toBe('');
    expect(columnsDiffer(copyColumns(applyScenario('toxic_sell', l2, 2)), copyColumns(a))).not.toBe('');
    // Scenarios without randomness ignore it.
    expect(columnsDiffer(copyColumns(applyScenario('gap_up', l2, 1)), copyColumns(applyScenario('gap_up', l2, 2)))).toBe('');
  });

  it('refuses an unknown scenario with a suggestion', () => {
    expect(() => applyScenario('flash_crsh', l2)).toThrow(StressError);
    expect(() => applyScenario('flash_crsh', l2)).toThrow(/unknown stress scenario "flash_crsh" \(did you mean "flash_crash"/);
  });
});

describe('scenario starts', () => {
  it('a start given in seconds replaces the default given as a fraction, and the other way round', () => {
    const span = streamSpan(l2);
    const [bySeconds] = resolveStressSpec(parseStressSpec('flash_crash:atS=5'), l2);
    expect(bySeconds?.options.atS).toBe(5);
    expect(bySeconds?.options.at).toBeUndefined();
    expect(() => applyStressSpec(parseStressSpec('flash_crash:atS=5'), l2)).not.toThrow();
    const [byFraction] = resolveStressSpec(parseStressSpec('flash_crash:at=0.1'), l2);
    expect(byFraction?.options.at).toBe(0.1);
    // Both at once is still a contradiction, said so.
    expect(() => applyStressSpec(parseStressSpec('flash_crash:atS=5,at=0.2'), l2)).toThrow(/give either at or atS, not both/);
    expect(span.durationS).toBeGreaterThan(5);
  });
});

describe('scenario text', () => {
  it('reads scenarios, transforms, options and compositions', () => {
    expect(parseStressSpec('gap:pct=-5,at=0.5')).toEqual({ label: 'gap:pct=-5,at=0.5', steps: [{ name: 'gap', transform: 'gap', options: { pct: -5, at: 0.5 } }] });
    expect(parseStressSpec(' flash_crash : dropPct = 10 ').steps).toEqual([{ name: 'flash_crash', transform: 'flashCrash', scenario: 'flash_crash', options: { dropPct: 10 } }]);
    expect(parseStressSpecs('all').map((s) => s.label)).toEqual(stressScenarioNames);
    expect(parseStressSpecs('gap_up,flash_crash:dropPct=10,at=0.3,venue_outage').map((s) => s.label)).toEqual(['gap_up', 'flash_crash:dropPct=10,at=0.3', 'venue_outage']);
    const combo = parseStressSpec('gap_down+venue_outage:durationS=20,at=0.3');
    expect(combo.steps.map((s) => [s.name, s.options])).toEqual([
      ['gap_down', {}],
      ['venue_outage', { durationS: 20, at: 0.3 }],
    ]);
    expect(parseStressSpec('gap:pct=-5+outage').steps.map((s) => s.name)).toEqual(['gap', 'outage']);
    expect(parseStressSpec('toxic_sell:side=buy,arrivals=regular').steps[0]?.options).toEqual({ side: 'buy', arrivals: 'regular' });
    expect(parseStressSpec('volatility:anchorHalfLifeS=Infinity').steps[0]?.options).toEqual({ anchorHalfLifeS: Infinity });
  });

  it('names the bad part in its errors', () => {
    const cases: Array<[string, RegExp]> = [
      ['gap', /gap: option pct is required/],
      ['gap:pc=5', /gap: unknown option "pc" \(did you mean "pct"\?\); gap takes pct, at, atS, market/],
      ['gap:pct=abc', /gap: option pct="abc" is not a number/],
      ['gap:pct=-200', /gap: option pct=-200 must be >= -99/],
      ['gap:pct=-5,pct=3', /gap: option pct given twice/],
      ['toxic_sell:side=up', /toxic_sell: option side=up is not one of sell, buy/],
      ['toxicFlow:sweepLevels=1.5', /toxicFlow: option sweepLevels=1.5 must be a whole number/],
      ['vol_x3:k=-1', /vol_x3: option k=-1 must be >= 0/],
      ['outage:durationS=Infinity', /outage: option durationS=Infinity must be finite/],
      ['at=0.5', /option at=0.5 comes before any scenario/],
      ['nope', /unknown stress scenario "nope"/],
      ['', /no scenario given/],
      ['gap_up,,gap_down', /empty scenario/],
      ['all:k=1', /"all" takes no options/],
      ['gap_up+all', /cannot be combined/],
      ['gap:5', /gap: cannot read option "5"/],
      ['gap_up#', /cannot read "gap_up#"/],
    ];
    for (const [text, error] of cases) expect(() => parseStressSpecs(text), text).toThrow(error);
    expect(() => parseStressSpec('gap_up,gap_down')).toThrow(/expected one stress scenario, got 2/);
  });

  it('a composition applies its steps in order with the resolved options (random steps seeded by position)', () => {
    const spec = parseStressSpec('gap:pct=-4,at=0.2+toxicFlow:durationS=10+venue_outage:durationS=5');
    const resolved = resolveStressSpec(spec, l2, 9);
    expect(resolved).toEqual([
      { name: 'gap', transform: 'gap', options: { pct: -4, at: 0.2 } },
      { name: 'toxicFlow', transform: 'toxicFlow', options: { durationS: 10, seed: 10 } },
      { name: 'venue_outage', transform: 'outage', options: { at: 0.5, durationS: 5 } },
    ]);
    const out = applyStressSpec(spec, l2, 9);
    const byHand = outage(toxicFlow(gap(l2, { pct: -4, at: 0.2 }), { durationS: 10, seed: 10 }), { at: 0.5, durationS: 5 });
    expect(columnsDiffer(copyColumns(out), copyColumns(byHand))).toBe('');
    expect(checkBatch(out).violations).toEqual([]);
  });
});
