// Stress tests over recorded data: transforms that turn an EventBatch into a harder one (each pure:
// a new batch, the input untouched; deterministic given its seed; composable), the named scenarios
// `quoin stress` runs, and the checks the tests run on every result. See README.md in this folder.
export { gap, gapOptions, type GapOptions } from './gap.js';
export { flashCrash, flashCrashOptions, type FlashCrashOptions } from './flash-crash.js';
export { volatility, volatilityOptions, type VolatilityOptions } from './volatility.js';
export { liquidityDrought, liquidityDroughtOptions, type LiquidityDroughtOptions } from './liquidity-drought.js';
export { toxicFlow, toxicFlowOptions, type ToxicFlowOptions } from './toxic-flow.js';
export { latencySpike, latencySpikeOptions, type LatencySpikeOptions } from './latency-spike.js';
export { outage, outageOptions, staleFeed, staleFeedOptions, type OutageOptions, type StaleFeedOptions } from './outage.js';
export {
  applyScenario,
  applyStressSpec,
  parseStressSpec,
  parseStressSpecs,
  resolveStressSpec,
  scenarioOptions,
  stressScenarioNames,
  stressScenarios,
  stressTransforms,
  type ResolvedStep,
  type StressOptionValues,
  type StressScenario,
  type StressScenarioName,
  type StressSpec,
  type StressStep,
  type StressTransform,
  type StressTransformName,
} from './scenarios.js';
export { checkBatch, type BatchCheck } from './invariants.js';
export { median, sampleBook, type BookSamples } from './measure.js';
export { StressError } from './errors.js';
export type { OptionSchema, OptionSpec } from './options.js';
export { SYNTHETIC_LINE } from './writer.js';
