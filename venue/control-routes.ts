// The venue's own control endpoint, outside Binance's API: faults at run time and a status page.
// Unauthenticated by design (tests and demos drive it), so it answers loopback callers only.
//   GET    /_quoin/faults        → { faults: [...] }
//   POST   /_quoin/faults        body: a fault spec, an array of them, or { faults: [...] } → { added, faults }
//   DELETE /_quoin/faults        → clears all
//   DELETE /_quoin/faults/:id    → removes one
//   GET    /_quoin/status        → clock, replay position, passes, stream connections
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FaultSpecError, validateFaultSpec, type FaultControl } from './faults.js';
import type { MarketFeed } from './market-feed.js';
import type { MarketStreams } from './market-streams.js';

export interface ControlState {
  faults: FaultControl;
  feed: MarketFeed;
  clock: () => number;
  streams?: MarketStreams;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function registerControlRoutes(app: FastifyInstance, s: ControlState): void {
  const guard = (req: FastifyRequest, reply: FastifyReply): boolean => {
    if (LOOPBACK.has(req.ip)) return true;
    void reply.code(403).send({ error: 'the control endpoint answers loopback callers only' });
    return false;
  };

  app.get('/_quoin/faults', (req, reply) => {
    if (guard(req, reply)) void reply.send({ faults: s.faults.list() });
  });

  app.post('/_quoin/faults', (req, reply) => {
    if (!guard(req, reply)) return;
    let input: unknown;
    try {
      input = JSON.parse(typeof req.body === 'string' ? req.body : '');
    } catch {
      void reply.code(400).send({ error: 'the body must be JSON: a fault spec, an array of them, or { "faults": [...] }' });
      return;
    }
    const specs: unknown[] = Array.isArray(input) ? input : typeof input === 'object' && input !== null && 'faults' in input && Array.isArray((input as { faults: unknown }).faults) ? (input as { faults: unknown[] }).faults : [input];
    try {
      // All or nothing: validate every spec before adding any.
      const valid = specs.map((x, i) => {
        try {
          return validateFaultSpec(x);
        } catch (err) {
          throw new FaultSpecError(`fault ${i}: ${(err as Error).message}`);
        }
      });
      const added = valid.map((f) => s.faults.add(f));
      void reply.send({ added, faults: s.faults.list() });
    } catch (err) {
      void reply.code(400).send({ error: err instanceof Error ? err.message : String(err) });
    }
  });

  app.delete('/_quoin/faults', (req, reply) => {
    if (!guard(req, reply)) return;
    s.faults.clear();
    void reply.send({ faults: [] });
  });

  app.delete<{ Params: { id: string } }>('/_quoin/faults/:id', (req, reply) => {
    if (!guard(req, reply)) return;
    const id = Number(req.params.id);
    if (!Number.isInteger(id) || !s.faults.remove(id)) {
      void reply.code(404).send({ error: `no fault ${req.params.id}` });
      return;
    }
    void reply.send({ faults: s.faults.list() });
  });

  app.get('/_quoin/status', (req, reply) => {
    if (!guard(req, reply)) return;
    s.feed.advance();
    void reply.send({
      serverTime: s.clock(),
      recordedTime: new Date(s.feed.recordedTimeMs).toISOString(),
      pass: s.feed.passes,
      speed: s.feed.speed,
      markets: s.feed.markets.map((m) => m.id),
      faults: s.faults.list(),
      ...(s.streams ? { streams: s.streams.stats() } : {}),
    });
  });
}
