// A small client of the Quoin HTTP API for the `quoin` lifecycle commands. Server errors come back as
// ClientError with the server's stable code and message, which the commands print as they are.
export interface ClientOptions {
  server: string;
  token: string | undefined;
}

export class ClientError extends Error {
  override name = 'ClientError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

export function clientOptions(opts: { server?: string; token?: string }): ClientOptions {
  return { server: (opts.server ?? process.env.QUOIN_SERVER ?? 'http://127.0.0.1:8080').replace(/\/+$/, ''), token: opts.token ?? process.env.QUOIN_TOKEN };
}

export async function call<T>(c: ClientOptions, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (c.token) headers.authorization = `Bearer ${c.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${c.server}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch (err) {
    throw new ClientError(`cannot reach the server at ${c.server} (${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}); start it with quoin serve or set --server`, 0, 'unreachable', undefined);
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  if (!res.ok) {
    const e = parsed as { code?: string; message?: string } | undefined;
    throw new ClientError(`${res.status} ${e?.code ?? 'error'}: ${e?.message ?? text}`, res.status, e?.code ?? 'error', parsed);
  }
  return parsed as T;
}
