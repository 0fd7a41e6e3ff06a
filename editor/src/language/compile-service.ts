// What the compile worker does with one request: the full compiler (parse, bind, check, lower,
// schema validation, hash), timed. A plain function so that it runs, and is tested, in node too.
import { compile } from '../../../compiler/program.js';
import type { CompileRequest, CompileResponse } from './diagnostics.js';

export function runCompile(req: CompileRequest, now: () => number = () => performance.now()): CompileResponse {
  const started = now();
  const result = compile(req.source, { file: req.file });
  const elapsedMs = now() - started;
  return { id: req.id, diagnostics: result.diagnostics, plan: result.plan ?? null, elapsedMs };
}

/**
 * A small rule set compiled once when the worker starts: the first compile builds the plan schema's
 * validator (ajv) and warms the parser, which should not be paid on the author's first keystroke.
 */
export const warmUpSource = `strategy "warm-up" version 1 {
  market m = binance:"BTC/USDT"
  params {
    base_spread = 8 bps in [2 bps, 50 bps]
    order_size = 0.01 BTC
    max_position = 0.5 BTC
  }
  signal vol = ewm_stdev(returns(m.mid), halflife: 60s)
  quote m {
    half = max(base_spread * m.mid / 2, m.spread / 2 + vol * 0 * m.mid)
    bid = m.mid - half
    ask = m.mid + half
    size = order_size
  }
  risk {
    position abs <= max_position -> reduce_only
  }
}
`;
