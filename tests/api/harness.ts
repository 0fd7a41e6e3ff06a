// A test instance of the service: a fresh SQLite store in a temp dir, the real app (app.inject, no
// port), the real job queue (worker threads) and runtime factory, and users with one role each.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../api/server/app.js';
import type { DataFiles } from '../../api/server/data-files.js';
import type { AppDeps } from '../../api/server/deps.js';
import { createDeps, type ServerOptions } from '../../api/server/server.js';
import { paperRuntimeFactory } from '../../api/services/paper-runtime.js';
import { openStore } from '../../api/store/sqlite-store.js';
import type { Role, Store } from '../../api/store/types.js';
import { root } from '../helpers.js';

export const sharedData = path.join(root, '..', 'shared', 'data');
export const btcDay = 'binance/spot/btcusdt_20240808.gz';

export type Who = 'admin' | 'author' | 'author2' | 'risk' | 'risk2' | 'operator' | 'viewer' | 'authorRisk';

const people: Record<Who, Role[]> = {
  admin: ['admin'],
  author: ['author'],
  author2: ['author'],
  risk: ['risk_manager'],
  risk2: ['risk_manager'],
  operator: ['operator'],
  viewer: ['viewer'],
  authorRisk: ['author', 'risk_manager'],
};

export interface TestService {
  app: FastifyInstance;
  store: Store;
  deps: AppDeps;
  tokens: Record<Who, string>;
  userIds: Record<Who, string>;
  dir: string;
  as(who: Who | undefined, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function testService(options: { data?: Partial<DataFiles>; runtimeFactory?: ServerOptions['runtimeFactory'] } = {}): Promise<TestService> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'quoin-api-'));
  const store = await openStore(path.join(dir, 'quoin.db'));
  const data: DataFiles = { dir: sharedData, defaults: undefined, simulatedSec: 600, ...options.data };
  const deps = createDeps(store, { data, runtimeFactory: options.runtimeFactory ?? paperRuntimeFactory, version: 'test' });
  const tokens = {} as Record<Who, string>;
  const userIds = {} as Record<Who, string>;
  for (const [who, roles] of Object.entries(people) as Array<[Who, Role[]]>) {
    const user = await store.createUser({ name: who, roles, actor: 'test' });
    userIds[who] = user.id;
    tokens[who] = (await store.createToken({ userId: user.id, label: 'test', actor: 'test' })).token;
  }
  const app = await buildApp(deps);
  return {
    app,
    store,
    deps,
    tokens,
    userIds,
    dir,
    as(who, method, url, body) {
      return app.inject({ method, url, ...(who ? { headers: { authorization: `Bearer ${tokens[who]}` } } : {}), ...(body !== undefined ? { payload: body as object } : {}) });
    },
    async close() {
      deps.instances.stopAll();
      await app.close();
      await deps.jobs.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls a job until it is done or failed. */
export async function waitForJob(s: TestService, id: string, timeoutMs = 60_000): Promise<{ status: string; error: string | null; result: unknown; progress: number }> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = (await s.as('viewer', 'GET', `/api/jobs/${id}`)).json<{ status: string; error: string | null; result: unknown; progress: number }>();
    if (job.status === 'done' || job.status === 'failed') return job;
    if (Date.now() > until) throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
