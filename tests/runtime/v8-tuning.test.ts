import { describe, expect, it } from 'vitest';
import { applyV8Tuning, V8_TUNING_FLAGS } from '../../runtime/v8-tuning.js';

describe('applyV8Tuning', () => {
  it('leaves V8 defaults when QUOIN_V8_TUNING=0, applies its flags otherwise', () => {
    expect(applyV8Tuning({ QUOIN_V8_TUNING: '0' })).toBe(false);
    expect(applyV8Tuning({})).toBe(true);
    expect(applyV8Tuning({})).toBe(true); // once per process
    // Only optimisation heuristics: nothing that could change what the code computes.
    for (const flag of V8_TUNING_FLAGS) expect(flag).toMatch(/^--max-inlined-bytecode-size/);
  });
});
