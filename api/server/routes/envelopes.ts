// The risk envelopes: set by risk managers, read by everyone, checked at every approval.
import type { FastifyInstance } from 'fastify';
import type { EnvelopeBody } from '../../../schemas/generated/api.js';
import { requireRole, userOf } from '../auth.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { def, errors, listOf } from '../schemas.js';

export function envelopeRoutes(app: FastifyInstance, { store }: AppDeps): void {
  app.get('/api/envelopes', { onRequest: requireRole(store), schema: { tags: ['risk'], summary: 'The risk envelopes', response: { 200: listOf('Envelope'), ...errors() } } }, async () => store.listEnvelopes());
  app.put<{ Params: { scope: string }; Body: EnvelopeBody }>(
    '/api/envelopes/:scope',
    { onRequest: requireRole(store, 'risk_manager'), schema: { tags: ['risk'], summary: 'Set the envelope of a scope (global or venue:SYMBOL); replaces the previous one', params: def('ScopeParam'), body: def('EnvelopeBody'), response: { 200: def('Envelope'), ...errors() } } },
    async (request) => {
      const { paramBounds: given, ...limits } = request.body;
      const paramBounds: Record<string, { lo: number; hi: number }> = {};
      for (const [name, b] of Object.entries(given ?? {})) {
        if (!b) continue;
        if (!(b.lo <= b.hi)) throw new ApiError(400, 'invalid_body', `paramBounds.${name}: lo (${b.lo}) must not be above hi (${b.hi})`);
        paramBounds[name] = { lo: b.lo, hi: b.hi };
      }
      return store.setEnvelope({ scope: request.params.scope, ...limits, ...(given ? { paramBounds } : {}), setBy: userOf(request).id });
    },
  );
}
