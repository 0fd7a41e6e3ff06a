// The lifecycle from the command line, against a running server (quoin serve): push a rule set's
// source as a new version and get it tested and submitted, approve or reject it, deploy it, roll
// back, kill, and see what runs. Exit codes: 0 done; 1 the server refused (its message is printed);
// 2 misuse or no server.
import type { Command } from 'commander';
import type { DeployResult, Instance, Job, RuleSetDetail, Version } from '../schemas/generated/api.js';
import type { Diagnostic } from '../schemas/generated/diagnostic.js';
import { formatDiagnostic } from '../dsl/diagnostics.js';
import { call, ClientError, clientOptions, type ClientOptions } from './api-client.js';
import { Progress } from './progress.js';
import { readSource } from './read-source.js';
import { parseMarketOptions } from './rule-set.js';

interface Common {
  server?: string;
  token?: string;
}

/**
 * `sendsSource`: the command's first argument is a file whose text it sends — the server names the
 * source after the rule set, so its diagnostics are shown against the file the user has.
 */
function withClient<A extends unknown[]>(name: string, run: (c: ClientOptions, ...args: A) => Promise<void>, sendsSource = false): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const opts = args[args.length - 2] as Common;
    try {
      await run(clientOptions(opts), ...args);
    } catch (err) {
      if (!(err instanceof ClientError)) throw err;
      const diagnostics = (err.body as { diagnostics?: Diagnostic[] } | undefined)?.diagnostics ?? [];
      const file = sendsSource ? String(args[0]) : undefined;
      let message = err.message;
      if (file !== undefined) for (const d of diagnostics) message = message.replaceAll(`${d.file}:`, `${file}:`);
      process.stderr.write(`quoin ${name}: ${message}\n`);
      for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(file === undefined ? d : { ...d, file })}\n`);
      process.exitCode = err.status === 0 ? 2 : 1;
    }
  };
}

function common(cmd: Command): Command {
  return cmd.option('--server <url>', 'the Quoin server (default $QUOIN_SERVER or http://127.0.0.1:8080)').option('--token <token>', 'API token (default $QUOIN_TOKEN)');
}

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function versionId(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new ClientError(`'${text}' is not a version id (a whole number, as quoin submit prints)`, 0, 'usage', undefined);
  return n;
}

async function waitForJob(c: ClientOptions, job: Job, label: string): Promise<Job> {
  const progress = new Progress(label, 1);
  let current = job;
  while (current.status === 'queued' || current.status === 'running') {
    await new Promise((r) => setTimeout(r, 500));
    current = await call<Job>(c, 'GET', `/api/jobs/${job.id}`);
    progress.update(current.progress, current.status);
  }
  progress.done();
  if (current.status === 'failed') throw new ClientError(`${label} job ${job.id} failed: ${current.error ?? ''}`, 422, 'job_failed', undefined);
  return current;
}

export function registerClientCommands(program: Command): void {
  common(
    program
      .command('submit')
      .description('upload a rule set as a new version, run its backtest and stress scenarios on the server, and submit it for approval')
      .argument('<file>', 'the .quoin file')
      .requiredOption('--ruleset <id>', 'the rule set on the server (created when missing)')
      .option('--data <name...>', 'data files (under the server\'s data directory) for the backtest and stress runs')
      .option('--market <alias=venue:symbol...>', 'which data market drives a plan market, as for quoin backtest')
      .option('--from <time>', 'start of the test window (ISO time or offset like 60s)')
      .option('--to <time>', 'end of the test window')
      .option('--no-wait', 'upload only; do not run the tests or submit'),
  ).action(
    withClient('submit', async (c, file: string, opts: Common & { ruleset: string; data?: string[]; market?: string[]; from?: string; to?: string; wait: boolean }) => {
      const source = readSource(file);
      if (!source.ok) throw new ClientError(source.diagnostic.message, 0, 'usage', undefined);
      let markets: Record<string, string> | undefined;
      try {
        markets = opts.market ? parseMarketOptions(opts.market) : undefined;
      } catch (err) {
        throw new ClientError((err as Error).message, 0, 'usage', undefined);
      }
      const existing = await call<RuleSetDetail>(c, 'GET', `/api/rulesets/${encodeURIComponent(opts.ruleset)}`).catch((err: unknown) => {
        if (err instanceof ClientError && err.status === 404) return undefined;
        throw err;
      });
      let version: Version;
      if (!existing) {
        const created = await call<RuleSetDetail>(c, 'POST', '/api/rulesets', { id: opts.ruleset, name: opts.ruleset, source: source.text });
        const first = created.versions[0];
        if (!first) throw new ClientError('the server created the rule set without a version', 500, 'internal', undefined);
        version = await call<Version>(c, 'GET', `/api/versions/${first.id}`);
      } else {
        version = await call<Version>(c, 'POST', `/api/rulesets/${encodeURIComponent(opts.ruleset)}/versions`, { source: source.text });
      }
      out(`version ${version.id} (${version.ruleSetId} v${version.number}) plan ${version.planHash ?? ''}: ${version.status}`);
      if (!opts.wait) return;
      const data = { ...(opts.data ? { data: opts.data } : {}), ...(markets ? { markets } : {}), ...(opts.from ? { from: opts.from } : {}), ...(opts.to ? { to: opts.to } : {}) };
      // Runs on record for the plan hash are reused, unless the data, markets or window was named: then the
      // tests run on what was asked for (and a bad name is refused), never silently not at all.
      const asked = Object.keys(data).length > 0;
      const reuse = (id: string | null | undefined): boolean => !asked && Boolean(id);
      if (reuse(version.evidence.backtest)) out(`backtest ${version.evidence.backtest ?? ''}: on record for this plan hash`);
      if (reuse(version.evidence.stress)) out(`stress ${version.evidence.stress ?? ''}: on record for this plan hash`);
      if (!reuse(version.evidence.backtest)) {
        const bt = await waitForJob(c, await call<Job>(c, 'POST', `/api/versions/${version.id}/backtests`, data), 'backtest');
        const s = bt.result as { pnl?: { total?: number }; fills?: number } | null;
        out(`backtest ${bt.id}: done (PnL ${s?.pnl?.total ?? '—'}, ${s?.fills ?? '—'} fills)`);
      }
      if (!reuse(version.evidence.stress)) {
        const st = await waitForJob(c, await call<Job>(c, 'POST', `/api/versions/${version.id}/stress`, data), 'stress');
        const r = st.result as { breached?: boolean; rows?: unknown[] } | null;
        out(`stress ${st.id}: done (${r?.rows?.length ?? 0} scenarios${r?.breached ? ', A HARD LIMIT BROKE' : ''})`);
      }
      const submitted = await call<Version>(c, 'POST', `/api/versions/${version.id}/submit`);
      out(`version ${submitted.id}: ${submitted.status}; a risk manager approves it with: quoin approve ${submitted.id} --hash ${submitted.planHash ?? ''}`);
    }, true),
  );

  common(
    program
      .command('approve')
      .description('approve a pending version (risk manager; not your own), naming the plan hash you reviewed')
      .argument('<version>', 'version id')
      .requiredOption('--hash <planHash>', 'the plan hash you reviewed (quoin show VERSION prints it)')
      .option('--comment <text>', 'a comment for the record', ''),
  ).action(
    withClient('approve', async (c, id: string, opts: Common & { hash: string; comment: string }) => {
      const v = await call<Version>(c, 'POST', `/api/versions/${versionId(id)}/approve`, { planHash: opts.hash, comment: opts.comment });
      out(`version ${v.id} (${v.ruleSetId} v${v.number}): ${v.status}`);
    }),
  );

  common(
    program.command('reject').description('reject a pending version with a comment (risk manager)').argument('<version>', 'version id').requiredOption('--comment <text>', 'why'),
  ).action(
    withClient('reject', async (c, id: string, opts: Common & { comment: string }) => {
      const v = await call<Version>(c, 'POST', `/api/versions/${versionId(id)}/reject`, { comment: opts.comment });
      out(`version ${v.id} (${v.ruleSetId} v${v.number}): ${v.status}`);
    }),
  );

  common(
    program.command('deploy').description('deploy an approved version to a runtime instance (hot swap)').argument('<version>', 'version id').requiredOption('--instance <id>', 'the instance'),
  ).action(
    withClient('deploy', async (c, id: string, opts: Common & { instance: string }) => {
      const r = await call<DeployResult>(c, 'POST', `/api/instances/${encodeURIComponent(opts.instance)}/deploy`, { versionId: versionId(id) });
      out(`deployment ${r.deployment.id}: instance ${r.deployment.instanceId} now runs version ${r.deployment.versionId} (plan ${r.swap.to.slice(0, 12)}${r.swap.from ? `, was ${r.swap.from.slice(0, 12)}` : ''})`);
    }),
  );

  common(program.command('rollback').description('roll an instance back to the version its current deployment replaced').requiredOption('--instance <id>', 'the instance')).action(
    withClient('rollback', async (c, opts: Common & { instance: string }) => {
      const r = await call<DeployResult>(c, 'POST', `/api/instances/${encodeURIComponent(opts.instance)}/rollback`);
      out(`deployment ${r.deployment.id}: instance ${r.deployment.instanceId} rolled back to version ${r.deployment.versionId}`);
    }),
  );

  common(
    program
      .command('kill')
      .description('kill switch: halt and cancel every order of one instance, or of all')
      .option('--instance <id>', 'one instance (default: every instance)')
      .requiredOption('--reason <text>', 'why, for the record'),
  ).action(
    withClient('kill', async (c, opts: Common & { instance?: string; reason: string }) => {
      const killed = opts.instance
        ? [await call<Instance>(c, 'POST', `/api/instances/${encodeURIComponent(opts.instance)}/kill`, { reason: opts.reason })]
        : await call<Instance[]>(c, 'POST', '/api/kill', { reason: opts.reason });
      for (const i of killed) out(`instance ${i.id}: ${i.status}`);
    }),
  );

  common(program.command('show').description('show a version: status, plan hash, approvals, evidence').argument('<version>', 'version id')).action(
    withClient('show', async (c, id: string) => {
      const v = await call<Version>(c, 'GET', `/api/versions/${versionId(id)}`);
      out(`version ${v.id}: ${v.ruleSetId} v${v.number} by ${v.author}, ${v.status}`);
      out(`plan      ${v.planHash ?? '—'}`);
      out(`evidence  backtest ${v.evidence.backtest ?? '—'}, stress ${v.evidence.stress ?? '—'}`);
      for (const a of v.approvals) out(`${a.decision.padEnd(9)} by ${a.reviewer} at ${a.createdAt}${a.comment ? `: ${a.comment}` : ''}`);
    }),
  );

  common(program.command('instances').description('list runtime instances and what they run')).action(
    withClient('instances', async (c) => {
      for (const i of await call<Instance[]>(c, 'GET', '/api/instances')) {
        const live = i.live as { planHash?: string; pnl?: { total?: number | null }; risk?: { state?: string }; scenario?: string } | null;
        out(`${i.id.padEnd(20)} ${i.status.padEnd(8)} ${live ? `plan ${String(live.planHash ?? '').slice(0, 12)} PnL ${live.pnl?.total ?? '—'} risk ${live.risk?.state ?? '—'} scenario ${live.scenario ?? '—'}` : 'nothing deployed'}`);
      }
    }),
  );
}
