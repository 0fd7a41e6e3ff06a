// The runtimes the service starts: paper instances (runtime/paper) on the instance's market, replayed
// from the data directory or simulated for the plan's own markets.
import { marketForPlan } from '../../runtime/paper/open-market.js';
import { PaperInstance } from '../../runtime/paper/paper-instance.js';
import type { AppDeps } from '../server/deps.js';
import type { RuntimeFactory } from './instances.js';

export function paperRuntimeFactory(resolveMarket: AppDeps['resolveMarket']): RuntimeFactory {
  return async ({ instance, plan }) => {
    const src = instance.source;
    const files = src.kind === 'replay' ? resolveMarket(src.data, 1) : undefined;
    const choice = await marketForPlan(plan, {
      dataPaths: files?.kind === 'files' ? files.paths : [],
      seed: src.kind === 'simulated' ? src.seed : 1,
      speed: src.kind === 'replay' ? src.speed : 1,
    });
    const paper = new PaperInstance({ id: instance.id, plan, market: choice.market });
    paper.on('error', (err) => process.stderr.write(`quoin serve: instance ${instance.id} stopped: ${err.message}\n`));
    return paper;
  };
}
