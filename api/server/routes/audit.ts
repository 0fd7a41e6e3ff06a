// The audit log (append-only, hash-chained) and its verification.
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../auth.js';
import type { AppDeps } from '../deps.js';
import { def, errors, listOf } from '../schemas.js';

export function auditRoutes(app: FastifyInstance, { store }: AppDeps): void {
  const anyone = requireRole(store);
  app.get<{ Querystring: { after?: number; limit?: number } }>(
    '/api/audit',
    { onRequest: anyone, schema: { tags: ['audit'], summary: 'Audit entries after a sequence number', querystring: def('AuditQuery'), response: { 200: listOf('AuditEntry'), ...errors() } } },
    async (request) => store.listAudit({ afterSeq: request.query.after ?? 0, limit: request.query.limit ?? 100 }),
  );
  app.get('/api/audit/verify', { onRequest: anyone, schema: { tags: ['audit'], summary: 'Verify the hash chain of the whole log', response: { 200: def('AuditCheck'), ...errors() } } }, async () => store.verifyAudit());
}
