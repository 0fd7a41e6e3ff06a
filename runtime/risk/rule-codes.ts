// Risk rule kinds, actions and position sides as small integers: what the gate's hot paths and the
// generated pre-trade check (check-codegen.ts) compare, instead of strings on plan objects.
// `credit` limits what is held at a venue; the live runner enforces it (the gate never sees balances).
export const Kind = { position: 0, notional: 1, loss: 2, drawdown: 3, order_rate: 4, price_band: 5, condition: 6, credit: 7 } as const;
export const Action = { reject: 0, throttle: 1, reduce_only: 2, halt: 3, cancel_all: 4 } as const;
export const SideLimit = { abs: 0, long: 1, short: 2 } as const;

export type RuleKindValue = (typeof Kind)[keyof typeof Kind];
