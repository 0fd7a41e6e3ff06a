// The service as a process: opens (and migrates) the store, makes sure there is an admin, restores
// the runtime instances, seeds the default paper instance on first start, listens, and closes it all
// in order on SIGINT/SIGTERM. `quoin serve` and `npm start` call startServer.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { JobQueue } from '../jobs/job-queue.js';
import { InstanceManager, type RuntimeFactory } from '../services/instances.js';
import { createEvidenceJob, createVersion, markTestedIfEvidence, planOf } from '../services/lifecycle.js';
import { openStore } from '../store/sqlite-store.js';
import type { Store, User } from '../store/types.js';
import { buildApp } from './app.js';
import { marketResolver, type DataFiles } from './data-files.js';
import type { AppDeps } from './deps.js';
import { projectRoot } from './project-root.js';

export interface ServerOptions {
  host: string;
  port: number;
  dbPath: string;
  data: DataFiles;
  /** The first admin's token (QUOIN_ADMIN_TOKEN); without it one is made and printed once. */
  adminToken?: string;
  /** Template of rulesets/ for the default paper instance on first start; false for none. */
  defaultRuleSet: string | false;
  runtimeFactory: (resolve: AppDeps['resolveMarket']) => RuntimeFactory;
  version: string;
  logger?: boolean;
  print?: (line: string) => void;
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  store: Store;
  deps: AppDeps;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const store = await openStore(options.dbPath);
  const admin = await ensureAdmin(store, options.adminToken, print);
  const deps = createDeps(store, options);
  await failInterruptedJobs(store);
  await deps.instances.restore();
  if (options.defaultRuleSet !== false) await seedDefaultInstance(deps, options.data, admin, options.defaultRuleSet, print);

  const app = await buildApp(deps, { logger: options.logger ?? false });
  const address = await app.listen({ host: options.host, port: options.port });
  const url = address.replace('[::1]', 'localhost');
  print(`quoin: serving on ${url} (API docs at ${url}/docs; store ${path.resolve(options.dbPath)})`);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      deps.instances.stopAll();
      await app.close();
      await deps.jobs.close();
      await store.close();
    })();
    return closing;
  };
  return { app, url, store, deps, close };
}

/** The services the app works with, around an open store. */
export function createDeps(store: Store, options: Pick<ServerOptions, 'data' | 'runtimeFactory' | 'version'>): AppDeps {
  const resolveMarket = marketResolver(options.data);
  const instances = new InstanceManager(store, options.runtimeFactory(resolveMarket), {
    error: (obj, msg) => process.stderr.write(`quoin serve: ${msg}: ${String((obj as { err?: Error }).err?.message ?? '')}\n`),
  });
  const jobs = new JobQueue({
    store,
    // A finished job may complete a version's evidence: backtest and stress on its plan hash.
    onDone: async (job) => {
      await markTestedIfEvidence(store, await store.getVersion(job.versionId));
    },
    onError: (err) => process.stderr.write(`quoin serve: job queue: ${(err as Error).message}\n`),
  });
  return { store, instances, jobs, resolveMarket, version: options.version };
}

/** The first start makes an admin; QUOIN_ADMIN_TOKEN, when set, is always a valid admin token. */
async function ensureAdmin(store: Store, envToken: string | undefined, print: (line: string) => void): Promise<User> {
  const users = await store.listUsers();
  let admin = users.find((u) => u.roles.includes('admin'));
  if (!admin) {
    admin = await store.createUser({ name: 'admin', roles: ['admin'], actor: 'system' });
    const { token } = await store.createToken({ userId: admin.id, label: envToken ? 'QUOIN_ADMIN_TOKEN' : 'first start', actor: 'system', ...(envToken ? { token: envToken } : {}) });
    if (!envToken) {
      print(`quoin: created the first admin. Its API token (shown once, keep it safe):\n\n    ${token}\n`);
    }
  } else if (envToken && !(await store.userForToken(envToken))) {
    await store.createToken({ userId: admin.id, label: 'QUOIN_ADMIN_TOKEN', actor: 'system', token: envToken });
  }
  return admin;
}

async function failInterruptedJobs(store: Store): Promise<void> {
  for (const job of await store.listJobs({})) {
    if (job.status === 'queued' || job.status === 'running') {
      await store.updateJob({ id: job.id, status: 'failed', error: 'the server stopped before the job finished; run it again' });
    }
  }
}

/**
 * On first start (no rule sets yet), a paper instance quoting a shipped template, so a new user sees
 * quotes moving at once. Its version is approved by the system, not by a person: the audit log says
 * so, and it runs only on paper. Its backtest and stress run in the background as for any version.
 */
async function seedDefaultInstance(deps: AppDeps, data: DataFiles, admin: User, template: string, print: (line: string) => void): Promise<void> {
  const { store } = deps;
  if ((await store.listRuleSets()).length > 0) return;
  const id = template.replace(/[^a-z0-9_-]/g, '-');
  const source = readFileSync(path.join(projectRoot(), 'rulesets', `${template}.quoin`), 'utf8');
  await store.createRuleSet({ id, name: `${template} (shipped template)`, actor: 'system' });
  const system: User = { ...admin, id: 'system', name: 'system' };
  let version = await createVersion(store, { ruleSetId: id, source, author: system });
  version = await store.setVersionStatus({ id: version.id, from: ['draft', 'tested'], to: 'pending_approval', actor: 'system', action: 'version.submit', details: { bootstrap: true } });
  const decided = await store.recordDecision({
    versionId: version.id,
    planHash: version.planHash ?? '',
    decision: 'approved',
    reviewer: 'system',
    comment: 'bootstrap: the shipped template, approved by the system for the default paper instance only',
    from: ['pending_approval'],
    to: 'approved',
  });
  const market = deps.resolveMarket(undefined, 1);
  const names = data.defaults;
  const instanceSource = names && names.length > 0 ? { kind: 'replay' as const, data: names, speed: 1 } : { kind: 'simulated' as const, seed: 1 };
  await store.createInstance({ id: 'paper-default', name: `${template} on paper`, mode: 'paper', source: instanceSource, actor: 'system' });
  await deps.instances.deploy({ instanceId: 'paper-default', versionId: decided.version.id, actor: system });
  const plan = planOf(decided.version);
  for (const kind of ['backtest', 'stress'] as const) {
    const job = await createEvidenceJob(store, { kind, versionId: version.id, planHash: plan.hash, request: {}, actor: 'system' });
    deps.jobs.enqueue(job, { plan, request: { kind, body: {} }, market });
  }
  print(`quoin: first start: rule set '${id}' deployed to paper instance 'paper-default' (${market.kind === 'files' ? 'replaying real data' : 'simulated market'})`);
}
