// One error shape for every 4xx/5xx: { statusCode, code, message, details?, diagnostics? }. Codes are
// stable (clients branch on them); messages say what to do. Bad input never becomes a 500: the
// handler maps validation, parsing, body-size and store errors to their 4xx, and anything else is
// logged and answered with a 500 that leaks nothing.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Diagnostic } from '../../schemas/generated/diagnostic.js';
import { describeSchemaErrors } from '../../schemas/index.js';
import { StoreConflict, StoreNotFound } from '../store/types.js';

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: string[];
  diagnostics?: Diagnostic[];
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly extra: { details?: string[]; diagnostics?: Diagnostic[] } = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string): ApiError => new ApiError(404, 'not_found', `${what} does not exist`);
export const conflict = (message: string): ApiError => new ApiError(409, 'conflict', message);
export const unprocessable = (code: string, message: string, extra: ApiError['extra'] = {}): ApiError => new ApiError(422, code, message, extra);

const parts: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'headers' };

/** Fastify's own errors for bad requests, by code. */
const fastifyCodes: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'body_too_large', message: 'the request body is larger than the 1 MB limit' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', message: 'send the body as application/json' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'empty_body', message: 'the body is empty but the content type says JSON: send a JSON object' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_content_length', message: 'the Content-Length header does not match the body' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json', message: 'the body is not valid JSON' },
};

export function toErrorBody(error: FastifyError | Error): ErrorBody | undefined {
  if (error instanceof ApiError) return { statusCode: error.statusCode, code: error.code, message: error.message, ...error.extra };
  if (error instanceof StoreNotFound) return { statusCode: 404, code: 'not_found', message: error.message };
  if (error instanceof StoreConflict) return { statusCode: 409, code: 'conflict', message: error.message };
  const fe = error as FastifyError & { validationContext?: string };
  if (fe.validation) {
    const part = parts[fe.validationContext ?? 'body'] ?? 'request';
    const details = describeSchemaErrors(fe.validation as Parameters<typeof describeSchemaErrors>[0]).map((d) => `${part}${d.startsWith('/') ? d : ` ${d}`}`);
    return { statusCode: 400, code: `invalid_${part}`, message: `the request ${part} does not match the schema: ${details.slice(0, 3).join('; ')}`, details };
  }
  const known = fe.code ? fastifyCodes[fe.code] : undefined;
  if (known) return { statusCode: known.status, code: known.code, message: known.message };
  // JSON syntax errors from the body parser arrive as SyntaxError with status 400.
  if (error instanceof SyntaxError && fe.statusCode === 400) return { statusCode: 400, code: 'invalid_json', message: `the body is not valid JSON: ${error.message}` };
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { statusCode: fe.statusCode, code: 'bad_request', message: error.message };
  }
  return undefined;
}

export function installErrorHandlers(app: FastifyInstance): void {
  const routeNotFound = (request: FastifyRequest, reply: FastifyReply): FastifyReply =>
    reply.status(404).send({ statusCode: 404, code: 'route_not_found', message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}; the API is described at /docs` } satisfies ErrorBody);
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    // Our refusals are ApiErrors; a bare 403 comes from the static file server (the editor's
    // files) for a path the file system cannot even look up (one longer than PATH_MAX): no route.
    if (!(error instanceof ApiError) && error.statusCode === 403) return routeNotFound(request, reply);
    const body = toErrorBody(error);
    if (body) return reply.status(body.statusCode).send(body);
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ statusCode: 500, code: 'internal_error', message: 'the server failed to handle this request; the error is in its log' } satisfies ErrorBody);
  });
  app.setNotFoundHandler(routeNotFound);
}
