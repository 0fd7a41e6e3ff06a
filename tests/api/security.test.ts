// Every route's guard and every kind of bad input: the right 401/403, a 4xx with a stable code and a
// clear message for bad bodies, and nothing written (the audit log does not move) when a request
// is refused. Never a 500.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRoutes } from '../../api/server/app.js';
import { rulesetsDir } from '../helpers.js';
import { testService, type TestService } from './harness.js';

const source = readFileSync(path.join(rulesetsDir, 'pure-symmetric.quoin'), 'utf8');
let s: TestService;

beforeAll(async () => {
  s = await testService();
  expect((await s.as('author', 'POST', '/api/rulesets', { id: 'base', name: 'base', source })).statusCode).toBe(201);
});
afterAll(async () => s.close());

async function auditLength(): Promise<number> {
  return (await s.store.listAudit({ afterSeq: 0, limit: 100000 })).length;
}

/** A concrete URL for a route pattern. */
function concrete(url: string): string {
  return url.replace(':id', url.startsWith('/api/versions') ? '1' : url.startsWith('/api/rulesets') ? 'base' : 'x').replace(':scope', 'global');
}

const readOnlyPosts = new Set(['/api/check', '/api/compile']);

describe('authentication and roles', () => {
  it('every /api route answers 401 without a token, with a code and WWW-Authenticate', async () => {
    const routes = (appRoutes.get(s.app) ?? []).filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD');
    expect(routes.length).toBeGreaterThan(25);
    for (const r of routes) {
      const res = await s.app.inject({ method: r.method as 'GET', url: concrete(r.url), payload: r.method === 'GET' ? undefined : {} });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
      expect(res.json()).toMatchObject({ code: 'unauthenticated' });
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('an unknown token or a malformed header is 401', async () => {
    const bad = await s.app.inject({ method: 'GET', url: '/api/rulesets', headers: { authorization: 'Bearer qn_not_a_token' } });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().code).toBe('invalid_token');
    const malformed = await s.app.inject({ method: 'GET', url: '/api/rulesets', headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(malformed.statusCode).toBe(401);
    expect(malformed.json().code).toBe('invalid_authorization');
  });

  it('every mutating route answers 403 to a viewer, naming the role it needs, and writes nothing', async () => {
    const before = await auditLength();
    const routes = (appRoutes.get(s.app) ?? []).filter((r) => r.url.startsWith('/api/') && (r.method === 'POST' || r.method === 'PUT') && !readOnlyPosts.has(r.url));
    expect(routes.length).toBeGreaterThan(12);
    for (const r of routes) {
      const res = await s.as('viewer', r.method as 'POST', concrete(r.url), {});
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(403);
      expect(res.json().code).toBe('forbidden');
      expect(res.json().message).toMatch(/needs the .* role/);
    }
    expect(await auditLength()).toBe(before);
  });

  it('roles gate their own actions: an author cannot approve, deploy or set envelopes', async () => {
    expect((await s.as('author', 'POST', '/api/versions/1/approve', { planHash: '0'.repeat(64) })).statusCode).toBe(403);
    expect((await s.as('author', 'POST', '/api/instances/x/deploy', { versionId: 1 })).statusCode).toBe(403);
    expect((await s.as('author', 'PUT', '/api/envelopes/global', { maxPosition: 1 })).statusCode).toBe(403);
    expect((await s.as('risk', 'POST', '/api/rulesets', { id: 'nope', name: 'x' })).statusCode).toBe(403);
    expect((await s.as('operator', 'POST', '/api/users', { name: 'x', roles: ['admin'] })).statusCode).toBe(403);
  });

  it('a viewer may read and check', async () => {
    expect((await s.as('viewer', 'GET', '/api/rulesets')).statusCode).toBe(200);
    expect((await s.as('viewer', 'POST', '/api/check', { source })).json()).toMatchObject({ ok: true });
  });
});

describe('bad input', () => {
  const send = (payload: string, contentType = 'application/json') =>
    s.app.inject({ method: 'POST', url: '/api/rulesets', headers: { authorization: `Bearer ${s.tokens.author}`, 'content-type': contentType }, payload });

  it('malformed JSON, empty bodies and other media types are 4xx with their code, and nothing is written', async () => {
    const before = await auditLength();
    const cases: Array<[string, string, number, string]> = [
      ['{"id": "x", "name": ', 'application/json', 400, 'invalid_json'],
      ['{"id": "x", "name": "y",}', 'application/json', 400, 'invalid_json'],
      ['{"__proto__": {"admin": true}, "id": "x", "name": "y"}', 'application/json', 400, 'invalid_json'],
      ['', 'application/json', 400, 'empty_body'],
      ['id=x&name=y', 'application/x-www-form-urlencoded', 415, 'unsupported_media_type'],
      ['[1,2,3]', 'application/json', 400, 'invalid_body'],
      ['"just a string"', 'application/json', 400, 'invalid_body'],
      ['null', 'application/json', 400, 'invalid_body'],
    ];
    for (const [payload, type, status, code] of cases) {
      const res = await send(payload, type);
      expect(res.statusCode, payload).toBe(status);
      expect(res.json(), payload).toMatchObject({ statusCode: status, code });
      expect(res.json().message.length).toBeGreaterThan(10);
    }
    expect(await auditLength()).toBe(before);
  });

  it('wrong types, missing and unknown fields name the field', async () => {
    const before = await auditLength();
    const wrongType = await s.as('author', 'POST', '/api/rulesets', { id: 'x', name: 5 });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().details).toContain('body/name: must be string');
    const coerced = await s.as('operator', 'POST', '/api/instances/x/deploy', { versionId: '1' });
    expect(coerced.statusCode).toBe(400);
    expect(coerced.json().details).toContain('body/versionId: must be integer');
    const missing = await s.as('author', 'POST', '/api/rulesets', { name: 'x' });
    expect(missing.json().details.join(' ')).toContain("must have required property 'id'");
    const unknown = await s.as('author', 'POST', '/api/rulesets', { id: 'x', name: 'x', admin: true });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().details.join(' ')).toContain("must NOT have additional properties 'admin'");
    const badId = await s.as('author', 'POST', '/api/rulesets', { id: 'Robert"); DROP TABLE versions;--', name: 'x' });
    expect(badId.statusCode).toBe(400);
    const badParam = await s.as('viewer', 'GET', '/api/versions/abc');
    expect(badParam.statusCode).toBe(400);
    expect(badParam.json().code).toBe('invalid_path');
    const badQuery = await s.as('viewer', 'GET', '/api/audit?limit=100000');
    expect(badQuery.statusCode).toBe(400);
    expect(badQuery.json().code).toBe('invalid_query');
    expect(await auditLength()).toBe(before);
  });

  it('a body over 1 MB is 413 and nothing is written', async () => {
    const before = await auditLength();
    const res = await s.as('author', 'POST', '/api/rulesets/base/versions', { source: 'x'.repeat(1024 * 1024 + 10) });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('body_too_large');
    expect(await auditLength()).toBe(before);
  });

  it('SQL-injection strings and unicode oddities are stored and returned verbatim', async () => {
    const names = ["x'); DROP TABLE versions; --", 'Robert\'); DELETE FROM audit; --', '📈 مرحبا שלום e\u0301 \u202Eevil', 'tab\tnew\nline', '%_\\'];
    for (const [i, name] of names.entries()) {
      const res = await s.as('author', 'POST', '/api/rulesets', { id: `odd-${i}`, name });
      expect(res.statusCode, name).toBe(201);
      expect((await s.as('viewer', 'GET', `/api/rulesets/odd-${i}`)).json().ruleSet.name).toBe(name);
    }
    const commented = `# '; DROP TABLE versions; -- 📈 \u202E\n${source}`;
    const v = await s.as('author', 'POST', '/api/rulesets/base/versions', { source: commented });
    expect(v.statusCode).toBe(201);
    expect((await s.as('viewer', 'GET', `/api/versions/${v.json().id}`)).json().source).toBe(commented);
    expect((await s.as('viewer', 'GET', '/api/audit/verify')).json()).toMatchObject({ ok: true });
  });

  it('a lone surrogate is refused as invalid unicode', async () => {
    const res = await send('{"id": "lone", "name": "bad \\ud800 text"}');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'invalid_unicode' });
    expect((await s.as('viewer', 'GET', '/api/rulesets/lone')).statusCode).toBe(404);
  });

  it('a source with errors is refused with its diagnostics and ranges', async () => {
    const broken = source.replace(/\}\s*$/, '  signal oops = m.mid + 1 BTC\n}\n');
    const res = await s.as('author', 'POST', '/api/rulesets/base/versions', { source: broken });
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.code).toBe('compile_failed');
    expect(body.message).toMatch(/base\.quoin:\d+:\d+/);
    expect(body.diagnostics[0].range.start.line).toBeGreaterThan(1);
  });

  it('a body nested deeper than any request needs is 400, not a stack overflow', async () => {
    const before = await auditLength();
    for (const depth of [65, 1000, 5000, 50000]) {
      for (const body of ['['.repeat(depth) + ']'.repeat(depth), '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)]) {
        const res = await send(body, 'application/json');
        expect(res.statusCode, `depth ${depth}`).toBe(400);
        expect(res.json()).toMatchObject({ statusCode: 400, code: 'too_deep' });
        expect(res.json().message).toMatch(/nested deeper than 64/);
      }
    }
    expect(await auditLength()).toBe(before);
    // Real bodies are far shallower and still pass the check.
    expect((await s.as('author', 'POST', '/api/rulesets', { id: 'nested-ok', name: 'n', source })).statusCode).toBe(201);
  });

  it('ids past 2^53, control characters in data names and fields on a body-less route are refused for what they are', async () => {
    const huge = await s.as('author', 'POST', '/api/versions/99999999999999999999999/submit');
    expect(huge.statusCode).toBe(400);
    expect(huge.json()).toMatchObject({ code: 'invalid_path' });
    const nul = await s.as('author', 'POST', '/api/versions/1/backtests', { data: ['binance/spot/x\u0000.gz'] });
    expect(nul.statusCode).toBe(400);
    expect(nul.json()).toMatchObject({ code: 'invalid_data_path' });
    expect(nul.json().message).toContain('control character');
    const extra = await s.as('author', 'POST', '/api/versions/1/submit', { x: 1 });
    expect(extra.statusCode).toBe(400);
    expect(extra.json()).toMatchObject({ code: 'invalid_body' });
    expect(extra.json().message).toContain('x');
    // Every route without fields refuses one the same way.
    for (const [who, url] of [['operator', '/api/versions/1/retire'], ['operator', '/api/instances/none/rollback']] as const) {
      const res = await s.as(who, 'POST', url, { x: 1 });
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toMatchObject({ code: 'invalid_body' });
    }
    // Without a body, or with an empty one, the request reaches the lifecycle (untested: 409).
    for (const body of [undefined, {}]) expect((await s.as('author', 'POST', '/api/versions/1/submit', body)).statusCode).toBe(409);
  });

  it('a text/plain body is 415 like other media types, as the API documents', async () => {
    const res = await send('{"id": "x", "name": "y"}', 'text/plain');
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ statusCode: 415, code: 'unsupported_media_type' });
  });

  it('a path id of any length reaches its route and is refused as an invalid path', async () => {
    for (const n of [65, 101, 1000, 4000, 10000]) {
      const res = await s.as('viewer', 'GET', `/api/rulesets/${'a'.repeat(n)}`);
      expect(res.statusCode, `${n} characters`).toBe(400);
      expect(res.json()).toMatchObject({ code: 'invalid_path' });
    }
  });

  it('an unknown path of any length is 404 route_not_found, with or without a token', async () => {
    for (const n of [10, 300, 5000, 12000]) {
      for (const who of ['viewer', undefined] as const) {
        const res = await s.as(who, 'GET', `/nothing/${'a'.repeat(n)}`);
        expect(res.statusCode, `${n} characters`).toBe(404);
        expect(res.json()).toMatchObject({ code: 'route_not_found' });
      }
    }
  });

  it('unknown routes and records are 404 with a code', async () => {
    expect((await s.as('viewer', 'GET', '/api/nothing')).json()).toMatchObject({ statusCode: 404, code: 'route_not_found' });
    expect((await s.as('viewer', 'GET', '/api/versions/9999')).json()).toMatchObject({ statusCode: 404, code: 'not_found' });
    expect((await s.as('viewer', 'GET', '/api/rulesets/none')).json()).toMatchObject({ statusCode: 404, code: 'not_found' });
  });

  it('random bodies on every mutating route never give a 5xx', async () => {
    const routes = (appRoutes.get(s.app) ?? []).filter((r) => r.url.startsWith('/api/') && (r.method === 'POST' || r.method === 'PUT'));
    const values: unknown[] = [null, true, 0, -1, 1e308, 'x', '', [], {}, { id: 1 }, { source: 42 }, { versionId: -5 }, { reason: '' }, { planHash: 'zz' }, { data: ['../../etc/passwd'] }, { data: ['/etc/passwd'] }, { seed: 1.5 }];
    for (const r of routes) {
      for (const v of values) {
        const res = await s.as('admin', r.method as 'POST', concrete(r.url), v);
        expect(res.statusCode, `${r.method} ${r.url} ${JSON.stringify(v)}`).toBeLessThan(500);
      }
    }
  });
});
