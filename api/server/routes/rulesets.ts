// Rule sets and their versions, the lifecycle steps on a version, and its backtest and stress jobs.
import type { FastifyInstance } from 'fastify';
import type { BacktestBody, CreateRuleSetBody, CreateVersionBody, DecisionBody, RejectBody, StressBody, VersionStatus } from '../../../schemas/generated/api.js';
import { compileOrThrow, createEvidenceJob, createVersion, decide, envelopeFindings, fileNameOf, planOf, retire, submit } from '../../services/lifecycle.js';
import { requireRole, userOf } from '../auth.js';
import type { AppDeps } from '../deps.js';
import { versionDetail, versionSummary } from '../present.js';
import { bodyOptional, def, errors, listOf, noFields } from '../schemas.js';

type IdParams = { id: number };

export function rulesetRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { store } = deps;
  const anyone = requireRole(store);
  const authors = requireRole(store, 'author');
  const testers = requireRole(store, 'author', 'risk_manager');
  const reviewers = requireRole(store, 'risk_manager');
  const operators = requireRole(store, 'operator');
  const idParams = { params: def('IdParam') };
  const nameParams = { params: def('NameParam') };

  app.get('/api/rulesets', { onRequest: anyone, schema: { tags: ['rule sets'], summary: 'List rule sets', response: { 200: listOf('RuleSet'), ...errors() } } }, async () => store.listRuleSets());

  app.post<{ Body: CreateRuleSetBody }>(
    '/api/rulesets',
    { onRequest: authors, schema: { tags: ['rule sets'], summary: 'Create a rule set (and its first version when source is given)', body: def('CreateRuleSetBody'), response: { 201: def('RuleSetDetail'), ...errors(409, 422) } } },
    async (request, reply) => {
      const user = userOf(request);
      // Compile first: a rule set whose first source does not compile is not created at all.
      if (request.body.source !== undefined) compileOrThrow(request.body.source, fileNameOf(request.body.id));
      const ruleSet = await store.createRuleSet({ id: request.body.id, name: request.body.name, actor: user.id });
      const versions = request.body.source === undefined ? [] : [await createVersion(store, { ruleSetId: ruleSet.id, source: request.body.source, author: user })];
      return reply.status(201).send({ ruleSet: await store.getRuleSet(ruleSet.id), versions: versions.map(versionSummary) });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/rulesets/:id',
    { onRequest: anyone, schema: { tags: ['rule sets'], summary: 'A rule set and its versions', ...nameParams, response: { 200: def('RuleSetDetail'), ...errors(404) } } },
    async (request) => ({ ruleSet: await store.getRuleSet(request.params.id), versions: (await store.listVersions(request.params.id)).map(versionSummary) }),
  );

  app.post<{ Params: { id: string }; Body: CreateVersionBody }>(
    '/api/rulesets/:id/versions',
    { onRequest: authors, schema: { tags: ['rule sets'], summary: 'Add a version (compiled on the way in; refused with diagnostics when it has errors)', ...nameParams, body: def('CreateVersionBody'), response: { 201: def('Version'), ...errors(404, 422) } } },
    async (request, reply) => {
      const version = await createVersion(store, { ruleSetId: request.params.id, source: request.body.source, author: userOf(request) });
      return reply.status(201).send(await versionDetail(store, version));
    },
  );

  app.get<{ Querystring: { status?: VersionStatus } }>(
    '/api/versions',
    { onRequest: anyone, schema: { tags: ['versions'], summary: 'Versions of every rule set, newest first, optionally only those in one status (the approval queue is ?status=pending_approval)', querystring: def('VersionQuery'), response: { 200: listOf('VersionSummary'), ...errors() } } },
    async (request) => {
      const all = (await Promise.all((await store.listRuleSets()).map((r) => store.listVersions(r.id)))).flat();
      const wanted = request.query.status;
      return all
        .filter((v) => wanted === undefined || v.status === wanted)
        .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || b.id - a.id)
        .map(versionSummary);
    },
  );

  app.get<{ Params: IdParams }>(
    '/api/versions/:id',
    { onRequest: anyone, schema: { tags: ['versions'], summary: 'A version with its source, approvals and evidence', ...idParams, response: { 200: def('Version'), ...errors(404) } } },
    async (request) => versionDetail(store, await store.getVersion(request.params.id)),
  );

  app.get<{ Params: IdParams }>(
    '/api/versions/:id/plan',
    { onRequest: anyone, schema: { tags: ['versions'], summary: 'The compiled plan of a version (schemas/plan.schema.json)', ...idParams, response: { 200: { description: 'The plan.', type: 'object', additionalProperties: true }, ...errors(404) } } },
    async (request) => planOf(await store.getVersion(request.params.id)),
  );

  app.get<{ Params: IdParams }>(
    '/api/versions/:id/envelope-check',
    { onRequest: anyone, schema: { tags: ['versions'], summary: 'Check a version against the current risk envelopes', ...idParams, response: { 200: def('EnvelopeCheck'), ...errors(404) } } },
    async (request) => {
      const diagnostics = await envelopeFindings(store, await store.getVersion(request.params.id));
      return { ok: diagnostics.every((d) => d.severity !== 'error'), diagnostics };
    },
  );

  const jobRoute = (kind: 'backtest' | 'stress'): void => {
    app.post<{ Params: IdParams; Body: BacktestBody | StressBody }>(
      `/api/versions/:id/${kind === 'backtest' ? 'backtests' : 'stress'}`,
      {
        preHandler: testers,
        schema: {
          tags: ['jobs'],
          summary: kind === 'backtest' ? 'Start a backtest of the version (a job; poll /api/jobs/:id)' : 'Run the stress scenarios on the version (a job)',
          ...idParams,
          body: def(kind === 'backtest' ? 'BacktestBody' : 'StressBody'),
          response: { 202: def('Job'), ...errors(404, 422) },
        },
      },
      async (request, reply) => {
        const version = await store.getVersion(request.params.id);
        const plan = planOf(version);
        const seed = request.body.seed ?? 1;
        const market = deps.resolveMarket(request.body.data, seed);
        const job = await createEvidenceJob(store, { kind, versionId: version.id, planHash: plan.hash, request: { ...request.body }, actor: userOf(request).id });
        deps.jobs.enqueue(job, { plan, request: kind === 'backtest' ? { kind, body: request.body as BacktestBody } : { kind, body: request.body as StressBody }, market });
        return reply.status(202).send(job);
      },
    );
  };
  jobRoute('backtest');
  jobRoute('stress');

  app.get<{ Params: IdParams }>(
    '/api/versions/:id/jobs',
    { onRequest: anyone, schema: { tags: ['jobs'], summary: 'Jobs of a version', ...idParams, response: { 200: listOf('Job'), ...errors(404) } } },
    async (request) => {
      await store.getVersion(request.params.id);
      return store.listJobs({ versionId: request.params.id });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/jobs/:id',
    { onRequest: anyone, schema: { tags: ['jobs'], summary: 'A job, its progress and result', params: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } }, response: { 200: def('Job'), ...errors(404) } } },
    async (request) => store.getJob(request.params.id),
  );

  app.post<{ Params: IdParams }>(
    '/api/versions/:id/submit',
    { onRequest: authors, preValidation: bodyOptional, schema: { tags: ['lifecycle'], summary: 'Submit a tested version for approval', ...idParams, ...noFields(), response: { 200: def('Version'), ...errors(404, 409) } } },
    async (request) => versionDetail(store, await submit(store, request.params.id, userOf(request))),
  );

  app.post<{ Params: IdParams; Body: DecisionBody }>(
    '/api/versions/:id/approve',
    { onRequest: reviewers, schema: { tags: ['lifecycle'], summary: 'Approve a pending version (names its plan hash; not your own; inside the envelope)', ...idParams, body: def('DecisionBody'), response: { 200: def('Version'), ...errors(404, 409, 422) } } },
    async (request) => versionDetail(store, await decide(store, { versionId: request.params.id, decision: 'approved', planHash: request.body.planHash, comment: request.body.comment ?? '', reviewer: userOf(request) })),
  );

  app.post<{ Params: IdParams; Body: RejectBody }>(
    '/api/versions/:id/reject',
    { onRequest: reviewers, schema: { tags: ['lifecycle'], summary: 'Reject a pending version with a comment', ...idParams, body: def('RejectBody'), response: { 200: def('Version'), ...errors(404, 409) } } },
    async (request) => versionDetail(store, await decide(store, { versionId: request.params.id, decision: 'rejected', comment: request.body.comment, reviewer: userOf(request) })),
  );

  app.post<{ Params: IdParams }>(
    '/api/versions/:id/retire',
    { onRequest: operators, preValidation: bodyOptional, schema: { tags: ['lifecycle'], summary: 'Retire a version that no instance runs', ...idParams, ...noFields(), response: { 200: def('Version'), ...errors(404, 409) } } },
    async (request) => versionDetail(store, await retire(store, request.params.id, userOf(request))),
  );

}
