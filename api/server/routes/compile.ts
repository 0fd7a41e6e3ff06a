// Check and compile without storing anything: what the editor calls as the author types.
import type { FastifyInstance } from 'fastify';
import { compile } from '../../../compiler/program.js';
import { hasErrors } from '../../../dsl/diagnostics.js';
import type { CheckBody } from '../../../schemas/generated/api.js';
import { requireRole } from '../auth.js';
import type { AppDeps } from '../deps.js';
import { def, errors } from '../schemas.js';

export function compileRoutes(app: FastifyInstance, { store }: AppDeps): void {
  const anyone = requireRole(store);
  app.post<{ Body: CheckBody }>(
    '/api/check',
    { onRequest: anyone, schema: { tags: ['compiler'], summary: 'Diagnostics of a source, with ranges', body: def('CheckBody'), response: { 200: def('CheckResult'), ...errors() } } },
    async (request) => {
      const r = compile(request.body.source, { file: request.body.file ?? '<input>' });
      return { ok: !hasErrors(r.diagnostics), diagnostics: r.diagnostics, planHash: r.plan?.hash ?? null };
    },
  );
  app.post<{ Body: CheckBody }>(
    '/api/compile',
    { onRequest: anyone, schema: { tags: ['compiler'], summary: 'Compile a source to its plan', body: def('CheckBody'), response: { 200: def('CompileResult'), ...errors() } } },
    async (request) => {
      const r = compile(request.body.source, { file: request.body.file ?? '<input>' });
      return { ok: !hasErrors(r.diagnostics), diagnostics: r.diagnostics, planHash: r.plan?.hash ?? null, plan: r.plan ?? null };
    },
  );
}
