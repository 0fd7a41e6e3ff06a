// The engine's semantics version: the rules by which a plan and a stream of events become decisions
// — when the plan is evaluated, how quotes are built and diffed against working orders, how the risk
// gate reads its limits, how the simulated exchange matches. Same version, same plan, same events:
// the same actions, bit for bit. It is bumped by any change that can alter the actions for some plan
// and events, so evidence recorded under one version (a backtest, a stress run) is never taken as
// evidence under another (api/services/lifecycle.ts); speed-ups that change no decision keep it.
//
//   1 — the plan evaluated at the end of every venue message that touched a plan market.
//   2 — evaluated when what the plan reads changed or one of its timers fell due
//       (docs/runtime.md, "When the plan is evaluated").
export const ENGINE_SEMANTICS = 2;
