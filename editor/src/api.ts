// The API client: one fetch wrapper that adds the token and turns every non-2xx answer into an
// ApiFailure carrying the server's stable code and message (what the UI shows the user).
import type { Error as ApiErrorBody } from '../../schemas/generated/api.js';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

let token: string | null = null;

export function setToken(t: string | null): void {
  token = t;
}
export function currentToken(): string | null {
  return token;
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch (err) {
    throw new ApiFailure(0, 'network', `the server does not answer (${(err as Error).message})`, null);
  }
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  if (!res.ok) {
    const e = (parsed ?? {}) as Partial<ApiErrorBody>;
    throw new ApiFailure(res.status, typeof e.code === 'string' ? e.code : `http_${res.status}`, typeof e.message === 'string' ? e.message : `${res.status} ${res.statusText}`, parsed);
  }
  return parsed as T;
}

/** Server-sent events with the token in the query (EventSource cannot set headers). */
export function stream(path: string, onState: (state: unknown) => void, onError: (connected: boolean) => void): () => void {
  const sep = path.includes('?') ? '&' : '?';
  const source = new EventSource(`${path}${sep}access_token=${encodeURIComponent(token ?? '')}`);
  source.addEventListener('state', (e) => onState(JSON.parse((e as MessageEvent<string>).data)));
  source.addEventListener('open', () => onError(true));
  source.addEventListener('error', () => onError(false));
  return () => source.close();
}
