// The HTTP app: fastify with a schema on every route, one error handler, bearer-token auth, the
// OpenAPI document and its UI at /docs, and /metrics. Built as a function of its dependencies so
// tests drive it with app.inject() and no port; server.ts owns the process.
import { existsSync } from 'node:fs';
import http from 'node:http';
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
  /** Longest time a client may take to send a whole request (headers and body); default 30 s. */
  requestTimeoutMs?: number;
}

export const defaultRequestTimeoutMs = 30_000;

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

/** No request of this API nests deeper than this (plans are among the deepest, at about ten). */
export const maxBodyDepth = 64;

/**
 * Walks a parsed body once, without recursion (a body nested 50,000 deep must not overflow the
 * stack): too deep, or a lone surrogate (which cannot be stored or echoed faithfully), is refused
 * with the path of the first offender instead of being mangled or crashing the request.
 */
function findBadBody(body: unknown): ApiError | undefined {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: body, path: 'body', depth: 0 }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { value, path: at, depth } = top;
    if (typeof value === 'string') {
      if (!isWellFormed(value)) return illFormed(at);
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= maxBodyDepth) return new ApiError(400, 'too_deep', `${at} is nested deeper than ${maxBodyDepth} levels; no request of this API needs that`);
    // Pushed in reverse, so the first offender in document order is the one reported.
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, v] = entries[i] as readonly [string, unknown];
      if (!isWellFormed(k)) return illFormed(`${at}/${k}`);
      stack.push({ value: v, path: `${at}/${k}`, depth: depth + 1 });
    }
  }
  return undefined;
}

function illFormed(at: string): ApiError {
  return new ApiError(400, 'invalid_unicode', `${at} holds a lone UTF-16 surrogate (not valid Unicode text)`);
}

/** Every route of an app (method and URL pattern), for the tests that walk them all. */
export const appRoutes = new WeakMap<FastifyInstance, Array<{ method: string; url: string }>>();

export async function buildApp(deps: AppDeps, options: AppOptions = {}): Promise<FastifyInstance> {
  // The request timeout: a client that announces more body than it sends (or stalls mid-request)
  // gets a 408 and its connection closed, instead of holding it open for ever (fastify's default is
  // no limit). Node checks pending requests every connectionsCheckingInterval, which only
  // http.createServer takes, hence the server factory.
  const requestTimeout = options.requestTimeoutMs ?? defaultRequestTimeoutMs;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: bodyLimitBytes,
    return503OnClosing: true,
    forceCloseConnections: true,
    // An over-long id still reaches its route, whose schema refuses it as an invalid path
    // (fastify's default of 100 characters answered "no route" for a route that exists).
    routerOptions: { maxParamLength: 16384 },
    requestTimeout,
    serverFactory: (handler) => {
      const server = http.createServer({ requestTimeout, connectionsCheckingInterval: Math.min(5000, Math.max(50, Math.floor(requestTimeout / 4))) }, handler);
      server.keepAliveTimeout = 72_000; // fastify's own default, which its factory would have set
      return server;
    },
  });
  // Only JSON bodies: without this, fastify parses text/plain as a string and the answer is a
  // schema error instead of the 415 every other media type gets.
  app.removeContentTypeParser('text/plain');
  const routes: Array<{ method: string; url: string }> = [];
  appRoutes.set(app, routes);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routes.push({ method, url: r.url });
  });
  const ajv = validators();
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? ajv.body : ajv.other).compile(schema));
  installErrorHandlers(app);
  app.addHook('preValidation', async (request) => {
    const bad = request.body === undefined ? undefined : findBadBody(request.body);
    if (bad) throw bad;
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
