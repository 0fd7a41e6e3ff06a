// The HTTP app: fastify with a schema on every route, one error handler, bearer-token auth, the
// OpenAPI document and its UI at /docs, and /metrics. Built as a function of its dependencies so
// tests drive it with app.inject() and no port; server.ts owns the process.
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Ajv } from 'ajv';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { AppDeps } from './deps.js';
import { ApiError, installErrorHandlers } from './errors.js';
import { installMetrics } from './metrics.js';
import { auditRoutes } from './routes/audit.js';
import { compileRoutes } from './routes/compile.js';
import { envelopeRoutes } from './routes/envelopes.js';
import { instanceRoutes } from './routes/instances.js';
import { rulesetRoutes } from './routes/rulesets.js';
import { systemRoutes } from './routes/system.js';
import { templateRoutes } from './routes/templates.js';
import { projectRoot } from './project-root.js';
import { userRoutes } from './routes/users.js';

export const bodyLimitBytes = 1024 * 1024;

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  /** The built web editor (vite build output); default dist/editor of the project. */
  editorDir?: string;
}

/**
 * Bodies are validated as sent: no coercion ("5" is not a number), no defaults filled in and no
 * unknown property dropped (an unknown field is a 400, not silently ignored). Path and query
 * strings are text by nature, so numbers there are coerced.
 */
function validators(): { body: Ajv; other: Ajv } {
  const common = { allErrors: true, strict: true, allowUnionTypes: true, removeAdditional: false, useDefaults: false } as const;
  return { body: new Ajv({ ...common, coerceTypes: false }), other: new Ajv({ ...common, coerceTypes: true }) };
}

/** A lone UTF-16 surrogate (with the u flag a proper pair is one code point and does not match). */
const loneSurrogate = /\p{Surrogate}/u;
const isWellFormed = (s: string): boolean => !loneSurrogate.test(s);

/** Lone surrogates cannot be stored or echoed faithfully: refuse them instead of mangling them. */
function findIllFormed(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return isWellFormed(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = findIllFormed(value[i], `${path}/${i}`);
      if (bad) return bad;
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const bad = isWellFormed(k) ? findIllFormed(v, `${path}/${k}`) : `${path}/${k}`;
      if (bad) return bad;
    }
  }
  return undefined;
}

/** Every route of an app (method and URL pattern), for the tests that walk them all. */
export const appRoutes = new WeakMap<FastifyInstance, Array<{ method: string; url: string }>>();

export async function buildApp(deps: AppDeps, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: bodyLimitBytes, return503OnClosing: true, forceCloseConnections: true });
  const routes: Array<{ method: string; url: string }> = [];
  appRoutes.set(app, routes);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routes.push({ method, url: r.url });
  });
  const ajv = validators();
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? ajv.body : ajv.other).compile(schema));
  installErrorHandlers(app);
  app.addHook('preValidation', async (request) => {
    const bad = request.body === undefined ? undefined : findIllFormed(request.body, 'body');
    if (bad) throw new ApiError(400, 'invalid_unicode', `${bad} holds a lone UTF-16 surrogate (not valid Unicode text)`);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Quoin API', version: deps.version, description: 'Rule sets, approvals, backtests, deployments and live state of the Quoin market-making service. Authenticate with Authorization: Bearer <token>.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const registry = installMetrics(app, deps);
  systemRoutes(app, deps, registry);
  userRoutes(app, deps);
  compileRoutes(app, deps);
  rulesetRoutes(app, deps);
  envelopeRoutes(app, deps);
  instanceRoutes(app, deps);
  auditRoutes(app, deps);
  templateRoutes(app, deps);
  await serveEditor(app, options.editorDir ?? path.join(projectRoot(), 'dist', 'editor'));
  await app.ready();
  return app;
}

/**
 * The web editor at `/`: static files, no authentication (the app asks for a token and every API
 * call it makes carries it). Without a build, `/` says how to make one instead of a bare 404.
 */
async function serveEditor(app: FastifyInstance, dir: string): Promise<void> {
  if (!existsSync(path.join(dir, 'index.html'))) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply.status(503).type('text/plain; charset=utf-8').send(`The web editor is not built (no ${dir}/index.html): run npm run build.\n`));
    return;
  }
  // decorateReply: false because @fastify/swagger-ui registers @fastify/static too.
  await app.register(fastifyStatic, { root: dir, prefix: '/', decorateReply: false, index: ['index.html'], schemaHide: true, maxAge: 0 });
}
