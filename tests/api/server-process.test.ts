// The service as users run it: `quoin serve` (the built bundle) in a child process on a free port.
// It creates the store and the default paper instance on first start, quotes move at once, the live
// stream delivers, the CLI scripts the whole lifecycle, and a SIGKILL in the middle of a stream of
// writes loses nothing that was acknowledged: after a restart every acknowledged version is there,
// the audit chain verifies and the instances come back.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root } from '../helpers.js';
import { btcDay, sharedData } from './harness.js';

const bin = path.join(root, 'dist', 'quoin.mjs');
const adminToken = 'qn_test_admin_token_0123456789abcdef';
const dir = mkdtempSync(path.join(os.tmpdir(), 'quoin-serve-'));
const db = path.join(dir, 'store', 'quoin.db');
const hasData = existsSync(path.join(sharedData, btcDay));

interface Server {
  child: ChildProcess;
  url: string;
  output: () => string;
}

async function serve(): Promise<Server> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--db', db], { cwd: dir, env: { ...process.env, QUOIN_ADMIN_TOKEN: adminToken }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`quoin serve did not start in 30 s:\n${out}`)), 30_000);
    const check = (): void => {
      const m = /serving on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', check);
    child.on('exit', (code) => reject(new Error(`quoin serve exited (${code}):\n${out}`)));
  });
  return { child, url, output: () => out };
}

async function api<T>(server: Server, method: string, p: string, body?: unknown, token = adminToken): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${p}`, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as T };
}

function quoin(server: Server, token: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, QUOIN_SERVER: server.url, QUOIN_TOKEN: token, QUOIN_NO_PROGRESS: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

type Live = { eventsProcessed: number; planHash: string; markets: Array<{ working: { bids: unknown[] } }> };

let server: Server;
beforeAll(async () => {
  if (!existsSync(bin)) spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  server = await serve();
}, 120_000);
afterAll(() => {
  server?.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('quoin serve', () => {
  it('creates the store and runs the default rule set on paper at once, quotes moving', async () => {
    expect(existsSync(db)).toBe(true);
    expect(server.output()).toContain("deployed to paper instance 'paper-default'");
    expect(server.output()).toContain(hasData ? 'replaying real data' : 'simulated market');
    // The admin token came from the environment: it was not printed.
    expect(server.output()).not.toContain(adminToken);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const first = (await api<{ live: Live }>(server, 'GET', '/api/instances/paper-default')).body.live;
    await new Promise((r) => setTimeout(r, 1500));
    const later = (await api<{ live: Live }>(server, 'GET', '/api/instances/paper-default')).body.live;
    expect(later.eventsProcessed).toBeGreaterThan(first.eventsProcessed);
    expect(later.markets[0]?.working.bids.length).toBeGreaterThan(0);
  });

  it('streams the live state as server-sent events', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${server.url}/api/instances/paper-default/stream?access_token=${adminToken}`, { signal: ctrl.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const until = Date.now() + 5000;
    while ((text.match(/event: state/g) ?? []).length < 3 && Date.now() < until) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    ctrl.abort();
    const events = text.split('\n\n').filter((e) => e.includes('event: state'));
    expect(events.length).toBeGreaterThanOrEqual(3);
    const states = events.map((e) => JSON.parse(e.split('\ndata: ')[1] ?? 'null') as Live);
    expect(states[2]?.eventsProcessed).toBeGreaterThan(states[0]?.eventsProcessed ?? Infinity);
  });

  it('serves the OpenAPI document and its UI, and Prometheus metrics', async () => {
    const doc = (await (await fetch(`${server.url}/docs/json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/rulesets', '/api/versions/{id}/approve', '/api/instances/{id}/deploy', '/api/instances/{id}/stream']));
    expect((await fetch(`${server.url}/docs/`)).status).toBe(200);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^quoin_instance_events\{instance="paper-default"\} \d+/m);
    expect(metrics).toMatch(/^quoin_http_requests_total\{method="GET",route="\/api\/instances\/:id",status="200"\} \d+/m);
  });

  it('scripts the lifecycle with the CLI: submit, approve, deploy, rollback, kill', async () => {
    const users: Record<string, string> = {};
    for (const [name, roles] of [['alice', ['author']], ['bob', ['risk_manager']], ['olga', ['operator']]] as const) {
      const u = await api<{ id: string }>(server, 'POST', '/api/users', { name, roles });
      users[name] = (await api<{ token: string }>(server, 'POST', `/api/users/${u.body.id}/tokens`, { label: 'test' })).body.token;
    }
    const alice = users.alice ?? '';
    const bob = users.bob ?? '';
    const olga = users.olga ?? '';
    const window = hasData ? ['--data', btcDay, '--from', '0s', '--to', '3m'] : [];
    const sub = quoin(server, alice, 'submit', 'rulesets/pure-symmetric.quoin', '--ruleset', 'cli-flow', ...window);
    expect(sub.code, sub.stderr).toBe(0);
    // The same plan as the default instance's: its evidence may already be on record.
    expect(sub.stdout).toMatch(/backtest .*: (done|on record)/);
    expect(sub.stdout).toMatch(/stress .*: (done|on record)/);
    const m = /version (\d+): pending_approval; a risk manager approves it with: quoin approve \d+ --hash (sha256:[0-9a-f]{64})/.exec(sub.stdout);
    expect(m, sub.stdout).not.toBeNull();
    const [, id = '', hash = ''] = m ?? [];
    const selfApprove = quoin(server, alice, 'approve', id, '--hash', hash);
    expect(selfApprove.code).toBe(1);
    expect(selfApprove.stderr).toContain('403 forbidden');
    const approve = quoin(server, bob, 'approve', id, '--hash', hash, '--comment', 'limits fine');
    expect(approve.code, approve.stderr).toBe(0);
    expect(approve.stdout).toContain('approved');
    // paper-default already runs this plan's source under another rule set: deploy to a new instance.
    expect((await api(server, 'POST', '/api/instances', { id: 'cli', name: 'cli', source: { kind: 'simulated', seed: 3 } }, olga)).status).toBe(201);
    const deploy = quoin(server, olga, 'deploy', id, '--instance', 'cli');
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(deploy.stdout).toContain(`now runs version ${id}`);
    const again = quoin(server, olga, 'deploy', id, '--instance', 'cli');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already_deployed');
    const rollback = quoin(server, olga, 'rollback', '--instance', 'cli');
    expect(rollback.code).toBe(1);
    expect(rollback.stderr).toContain('nothing_to_roll_back');
    const kill = quoin(server, olga, 'kill', '--instance', 'cli', '--reason', 'test');
    expect(kill.code, kill.stderr).toBe(0);
    expect(kill.stdout).toContain('instance cli: killed');
    const list = quoin(server, olga, 'instances');
    expect(list.stdout).toMatch(/paper-default\s+running/);
    // Evidence on record is reused only when no data was named: a named file the server refuses
    // stops the submit instead of being ignored.
    const badData = quoin(server, alice, 'submit', 'rulesets/pure-symmetric.quoin', '--ruleset', 'cli-flow', '--data', '/etc/passwd');
    expect(badData.code).not.toBe(0);
    expect(badData.stderr).toContain('invalid_data_path');
    expect(badData.stdout).not.toContain('pending_approval');
    // The server compiles the source under the rule set's name; errors point at the file sent.
    const broken = path.join(dir, 'broken-strategy.quoin');
    writeFileSync(broken, 'strategy "b" version 1 { market m = binance:"BTC/USDT" signal s = m.mid + 1 BTC }');
    const refused = quoin(server, alice, 'submit', broken, '--ruleset', 'cli-broken', '--market', 'm=BTC/USDT');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/broken-strategy\.quoin:1:\d+: error: .*\[Q3001\]/);
    expect(refused.stderr).not.toContain('cli-broken.quoin');
    const badMarket = quoin(server, alice, 'submit', 'rulesets/pure-symmetric.quoin', '--ruleset', 'cli-flow', '--market', 'oops');
    expect(badMarket.code).toBe(2);
    expect(badMarket.stderr).toContain("--market needs ALIAS=VENUE:SYMBOL, not 'oops'");
  }, 120_000);

  it('loses no acknowledged write when killed with SIGKILL mid-stream, and comes back', async () => {
    expect((await api(server, 'POST', '/api/rulesets', { id: 'durable', name: 'durable' })).status).toBe(201);
    const base = 'strategy "durable" version 1 {\n  market m = binance:"BTC/USDT"\n  params {\n    order_size = 0.01 BTC\n    max_position = 0.5 BTC\n  }\n  quote m {\n    bid = m.bid\n    ask = m.ask\n    size = order_size\n  }\n  risk {\n    position abs <= max_position -> reduce_only\n  }\n}\n';
    const acked: Array<{ id: number; source: string }> = [];
    let stop = false;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const source = `# writer ${w} write ${i}\n${base}`;
        try {
          const r = await api<{ id: number }>(server, 'POST', '/api/rulesets/durable/versions', { source });
          if (r.status === 201) acked.push({ id: r.body.id, source });
        } catch {
          return; // the server died under us: this write was never acknowledged
        }
      }
    });
    const until = Date.now() + 30_000;
    while (acked.length < 40) {
      if (Date.now() > until || server.child.exitCode !== null) throw new Error(`only ${acked.length} writes acknowledged; server output:\n${server.output()}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const exited = new Promise((r) => server.child.once('exit', r));
    server.child.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    await exited;

    server = await serve();
    expect(server.output()).not.toContain('first start');
    for (const { id, source } of acked) {
      const v = await api<{ source: string; status: string }>(server, 'GET', `/api/versions/${id}`);
      expect(v.status, `version ${id}`).toBe(200);
      expect(v.body.source).toBe(source);
    }
    expect((await api<{ ok: boolean; entries: number }>(server, 'GET', '/api/audit/verify')).body).toMatchObject({ ok: true });
    const offline = spawnSync(process.execPath, [bin, 'audit', 'verify', '--db', db], { encoding: 'utf8' });
    expect(offline.status, offline.stderr).toBe(0);
    expect(offline.stdout).toMatch(/^ok: \d+ audit entries, chain verified/);
    const inst = (await api<{ status: string; live: Live | null }>(server, 'GET', '/api/instances/paper-default')).body;
    expect(inst.status).toBe('running');
    expect(inst.live?.eventsProcessed).toBeGreaterThanOrEqual(0);
    const killed = (await api<{ status: string; live: { risk: { state: string } } | null }>(server, 'GET', '/api/instances/cli')).body;
    expect(killed.status).toBe('killed');
    expect(killed.live?.risk.state).toBe('halted');
  }, 120_000);
});
