// V8 settings the quoin process runs with. The engine's per-event path is many small methods
// (book, view, signals, generated evaluator, risk gate, order diff); V8's default cumulative
// inlining budget (920 bytes of bytecode per optimised function) runs out part-way through the
// quote pass, and every call left un-inlined boxes doubles and re-reads fields. A budget of 4,000
// lets TurboFan inline that path whole: the engine runs 12–20 % faster on the LOBSTER files, and
// raising it further gains nothing (docs/performance.md, "V8 settings").
//
// Flags only steer optimisation heuristics, never semantics: decisions are the same with or
// without them (scripts/fingerprint.ts). They are set at start-up, before any code is hot;
// QUOIN_V8_TUNING=0 leaves V8's defaults, to compare.
import { setFlagsFromString } from 'node:v8';

export const V8_TUNING_FLAGS: readonly string[] = ['--max-inlined-bytecode-size-cumulative=4000'];

let applied = false;

/** Applies V8_TUNING_FLAGS once per process (V8 flags are process-wide: worker threads share them). */
export function applyV8Tuning(env: NodeJS.ProcessEnv = process.env): boolean {
  if (applied) return true;
  if (env.QUOIN_V8_TUNING === '0') return false;
  for (const flag of V8_TUNING_FLAGS) setFlagsFromString(flag);
  applied = true;
  return true;
}
