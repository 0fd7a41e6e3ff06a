// The runtime instances the service runs, and the actions on them: deploy (hot-swap between two
// events, no restart), roll back, kill and resume. The store is the record: every action is
// committed there (with its audit entry) before the runtime acts, under a per-instance lock, so two
// concurrent deploys cannot both swap, and after a restart the instances come back with the plan
// the store says they run.
import { marketKey } from '../../compiler/envelope.js';
import type { Plan } from '../../schemas/index.js';
import { ApiError, conflict } from '../server/errors.js';
import type { Deployment, Instance, Store, User } from '../store/types.js';
import { planOf } from './lifecycle.js';

/** What the service needs of a running instance (runtime/paper/paper-instance.ts provides it). */
export interface RuntimeInstance {
  snapshot(): unknown;
  swap(plan: Plan): { from: string; to: string; atEventNs: number };
  kill(reason: string): void;
  resume(reason: string): void;
  start(): void;
  stop(): void;
  /** Subscribes to live updates; returns the unsubscribe function. */
  subscribe(fn: (snapshot: unknown) => void): () => void;
}

/** Starts a runtime for an instance with its first plan; throws a readable Error when it cannot. */
export type RuntimeFactory = (input: { instance: Instance; plan: Plan }) => Promise<RuntimeInstance>;

export interface SwapInfo {
  from: string | null;
  to: string;
  atEventNs?: number;
}

export class InstanceManager {
  private readonly runtimes = new Map<string, { runtime: RuntimeInstance; plan: Plan }>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: Store,
    private readonly factory: RuntimeFactory,
    private readonly log: { error: (obj: unknown, msg: string) => void } = { error: () => undefined },
  ) {}

  runtime(id: string): RuntimeInstance | undefined {
    return this.runtimes.get(id)?.runtime;
  }

  get count(): number {
    return this.runtimes.size;
  }

  /** Brings back every instance that has a deployment, in the state the store records. */
  async restore(): Promise<void> {
    for (const instance of await this.store.listInstances()) {
      if (instance.currentDeploymentId === null) continue;
      try {
        const current = (await this.store.listDeployments(instance.id)).find((d) => d.id === instance.currentDeploymentId);
        if (!current) continue;
        const plan = planOf(await this.store.getVersion(current.versionId));
        const runtime = await this.factory({ instance, plan });
        this.runtimes.set(instance.id, { runtime, plan });
        if (instance.status === 'killed') runtime.kill('killed before the restart');
        if (instance.status !== 'stopped') runtime.start();
      } catch (err) {
        this.log.error({ err, instance: instance.id }, 'could not restore instance');
      }
    }
  }

  async deploy(input: { instanceId: string; versionId: number; actor: User }): Promise<{ deployment: Deployment; swap: SwapInfo }> {
    return this.locked(input.instanceId, () => this.swapTo({ ...input, kind: 'deploy' }));
  }

  /** Deploys the version the current deployment replaced. */
  async rollback(input: { instanceId: string; actor: User }): Promise<{ deployment: Deployment; swap: SwapInfo }> {
    return this.locked(input.instanceId, async () => {
      const instance = await this.store.getInstance(input.instanceId);
      const history = await this.store.listDeployments(instance.id);
      const current = history.find((d) => d.id === instance.currentDeploymentId);
      const previous = current?.previousId === null || current === undefined ? undefined : history.find((d) => d.id === current.previousId);
      if (!previous) throw new ApiError(409, 'nothing_to_roll_back', `instance ${instance.id} has no earlier deployment to roll back to`);
      return this.swapTo({ instanceId: instance.id, versionId: previous.versionId, actor: input.actor, kind: 'rollback' });
    });
  }

  async kill(input: { instanceId: string; reason: string; actor: User }): Promise<Instance> {
    return this.locked(input.instanceId, async () => {
      const instance = await this.store.getInstance(input.instanceId);
      // The runtime first: a kill switch must act even if the store is slow.
      this.runtime(instance.id)?.kill(input.reason);
      if (instance.status === 'killed') return instance;
      return this.store.setInstanceStatus({ id: instance.id, status: 'killed', actor: input.actor.id, reason: input.reason });
    });
  }

  async killAll(input: { reason: string; actor: User }): Promise<Instance[]> {
    for (const { runtime } of this.runtimes.values()) runtime.kill(input.reason);
    const out: Instance[] = [];
    for (const instance of await this.store.listInstances()) out.push(await this.kill({ instanceId: instance.id, reason: input.reason, actor: input.actor }));
    await this.store.audit({ actor: input.actor.id, action: 'kill.global', subject: '*', details: { reason: input.reason, instances: out.map((i) => i.id) } });
    return out;
  }

  async resume(input: { instanceId: string; reason: string; actor: User }): Promise<Instance> {
    return this.locked(input.instanceId, async () => {
      const instance = await this.store.getInstance(input.instanceId);
      if (instance.status === 'running') return instance;
      const updated = await this.store.setInstanceStatus({ id: instance.id, status: 'running', actor: input.actor.id, reason: input.reason });
      const rt = this.runtime(instance.id);
      rt?.resume(input.reason);
      rt?.start();
      return updated;
    });
  }

  stopAll(): void {
    for (const { runtime } of this.runtimes.values()) runtime.stop();
  }

  private async swapTo(input: { instanceId: string; versionId: number; actor: User; kind: 'deploy' | 'rollback' }): Promise<{ deployment: Deployment; swap: SwapInfo }> {
    const instance = await this.store.getInstance(input.instanceId);
    const version = await this.store.getVersion(input.versionId);
    if (version.status !== 'approved' && version.status !== 'deployed') {
      throw new ApiError(409, 'not_approved', `version ${version.number} of ${version.ruleSetId} is ${version.status.replace('_', ' ')}: only an approved version can be deployed`);
    }
    const history = await this.store.listDeployments(instance.id);
    const current = history.find((d) => d.id === instance.currentDeploymentId);
    if (input.kind === 'deploy' && current?.versionId === version.id) {
      throw new ApiError(409, 'already_deployed', `version ${version.number} of ${version.ruleSetId} is already what instance ${instance.id} runs (deployment ${current.id})`);
    }
    const plan = planOf(version);
    const running = this.runtimes.get(instance.id);
    if (running) checkSameMarkets(running.plan, plan, instance.id);
    // A first deployment starts the runtime before the record, so a plan the instance's market
    // cannot serve is refused with nothing written.
    const fresh = running ? undefined : await this.startRuntime(instance, plan);
    let deployment: Deployment;
    try {
      deployment = await this.store.recordDeployment({ instanceId: instance.id, versionId: version.id, kind: input.kind, actor: input.actor.id, expectedCurrent: instance.currentDeploymentId });
    } catch (err) {
      fresh?.stop();
      throw err;
    }
    if (fresh) {
      this.runtimes.set(instance.id, { runtime: fresh, plan });
      if (instance.status === 'killed') {
        fresh.kill('instance is killed');
      } else if (instance.status === 'stopped' && instance.currentDeploymentId === null) {
        // A new instance starts running with its first deployment.
        await this.store.setInstanceStatus({ id: instance.id, status: 'running', actor: input.actor.id, reason: 'first deployment' });
      }
      if (instance.status !== 'stopped' || instance.currentDeploymentId === null) fresh.start();
      return { deployment, swap: { from: null, to: plan.hash } };
    }
    const swap = (running as { runtime: RuntimeInstance }).runtime.swap(plan);
    this.runtimes.set(instance.id, { runtime: (running as { runtime: RuntimeInstance }).runtime, plan });
    return { deployment, swap };
  }

  private async startRuntime(instance: Instance, plan: Plan): Promise<RuntimeInstance> {
    try {
      return await this.factory({ instance, plan });
    } catch (err) {
      throw new ApiError(422, 'market_mismatch', `instance ${instance.id} cannot run this plan: ${(err as Error).message}`);
    }
  }

  /** Runs `fn` after every earlier action on the same instance has finished. */
  private async locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const before = this.locks.get(id) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(id, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    }
  }
}

function checkSameMarkets(running: Plan, next: Plan, instanceId: string): void {
  const describe = (p: Plan): string => p.markets.map((m) => `${m.alias} = ${marketKey(m)}`).join(', ');
  if (describe(running) !== describe(next)) {
    throw conflict(`instance ${instanceId} quotes ${describe(running)}; this version quotes ${describe(next)}. A hot swap keeps the markets: deploy it to another instance`);
  }
}
