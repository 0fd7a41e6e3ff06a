// Plans the runner tests share: a spot market quoted around its mid and hedged one for one on a
// second market when the net position passes 0.005 BTC.
import { compile } from '../../compiler/program.js';
import type { Plan } from '../../schemas/index.js';

export function hedgedPlan(hedgeMarket: string, opts: { halfSpreadBps: number; slippageBps: number }): Plan {
  const source = `strategy "hedged" version 1 {
  market s = binance:"BTC/USDT"
  market h = ${hedgeMarket}
  params {
    half_spread = ${opts.halfSpreadBps} bps in [1 bps, 30 bps]
    order_size = 0.01 BTC in [0.001 BTC, 0.1 BTC]
    max_position = 0.2 BTC in [0.01 BTC, 1 BTC]
  }
  quote s {
    bid = s.mid - half_spread * s.mid
    ask = s.mid + half_spread * s.mid
    size = order_size
  }
  hedge s when abs(s.position + h.position) > 0.005 BTC {
    on h
    ratio 1
    target 0 BTC
    via taker
    slippage ${opts.slippageBps} bps
  }
  risk {
    position s abs <= max_position -> reduce_only
    position h abs <= max_position -> reduce_only
  }
}`;
  const r = compile(source, { file: 'hedged.quoin' });
  if (!r.plan) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.plan;
}
