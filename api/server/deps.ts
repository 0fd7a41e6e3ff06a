// What the routes work with: built once by server.ts (or a test) and passed to buildApp.
import type { JobQueue } from '../jobs/job-queue.js';
import type { JobMarket } from '../jobs/job-market.js';
import type { InstanceManager } from '../services/instances.js';
import type { Store } from '../store/types.js';

export interface AppDeps {
  store: Store;
  instances: InstanceManager;
  jobs: JobQueue;
  /**
   * Resolves the `data` names of a job or instance request to files (under the server's data
   * directory), or, without names, to the server's default market. Throws ApiError on bad names.
   */
  resolveMarket: (data: string[] | undefined, seed: number) => JobMarket;
  version: string;
}
