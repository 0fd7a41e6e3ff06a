// Binance's SIGNED endpoint security: the API key in the X-MBX-APIKEY header, an HMAC-SHA256 (hex)
// of the request's parameters keyed with the secret in `signature`, and a `timestamp` no more than
// `recvWindow` ms (default 5000, at most 60000) behind the server clock and at most 1 s ahead.
// The signed payload is Binance's "totalParams": the query string followed by the body, each as sent
// (still URL-encoded), with the signature parameter left out.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { binanceErrors } from './errors.js';
import type { Params } from './params.js';

export interface Credentials {
  apiKey: string;
  secret: string;
}

export const DEFAULT_RECV_WINDOW_MS = 5000;
const MAX_RECV_WINDOW_MS = 60_000;
const MAX_AHEAD_MS = 1000;

export function hmacHex(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

/** `a=1&signature=…&b=2` → `a=1&b=2`, and the signature's value. */
export function splitSignature(raw: string): { payload: string; signature: string | undefined } {
  if (!raw) return { payload: '', signature: undefined };
  let signature: string | undefined;
  const kept: string[] = [];
  for (const part of raw.split('&')) {
    if (part.startsWith('signature=')) signature = decodeURIComponent(part.slice('signature='.length));
    else kept.push(part);
  }
  return { payload: kept.join('&'), signature };
}

export interface SignedRequest {
  apiKeyHeader: string | undefined;
  rawQuery: string;
  rawBody: string;
  params: Params;
  nowMs: number;
}

/** Checks a SIGNED request; returns the account key or throws the BinanceError the venue would answer. */
export function verifySigned(req: SignedRequest, lookup: (apiKey: string) => Credentials | undefined): string {
  const key = req.apiKeyHeader;
  if (key === undefined || key === '' || !/^[A-Za-z0-9]{1,128}$/.test(key)) throw binanceErrors.apiKeyFormat();
  const creds = lookup(key);
  if (!creds) throw binanceErrors.rejectedApiKey();
  const q = splitSignature(req.rawQuery);
  const b = splitSignature(req.rawBody);
  const signature = q.signature ?? b.signature;
  if (signature === undefined) throw binanceErrors.mandatory('signature');
  const timestamp = req.params.int('timestamp');
  const recvWindow = req.params.optionalInt('recvWindow', { min: 0 }) ?? DEFAULT_RECV_WINDOW_MS;
  if (recvWindow > MAX_RECV_WINDOW_MS) throw binanceErrors.recvWindowTooLarge();
  const expected = hmacHex(q.payload + b.payload, creds.secret);
  if (!/^[0-9a-fA-F]{64}$/.test(signature) || !timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(signature, 'hex'))) {
    throw binanceErrors.badSignature();
  }
  if (timestamp >= req.nowMs + MAX_AHEAD_MS || req.nowMs - timestamp > recvWindow) throw binanceErrors.timestampOutsideWindow();
  return key;
}
