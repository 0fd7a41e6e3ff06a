// What the web editor needs from the API beyond the lifecycle: the template gallery, the approval
// queue (versions by status), the built editor served at `/`, and chartable series on a backtest.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/server/app.js';
import { describeTemplate } from '../../api/server/routes/templates.js';
import { thinIndices, type JobCharts } from '../../api/jobs/job-charts.js';
import { compile } from '../../compiler/program.js';
import { drawdownSeries } from '../../runtime/backtest/metrics.js';
import { rulesetsDir } from '../helpers.js';
import { btcDay, sharedData, testService, waitForJob, type TestService } from './harness.js';

const hasData = existsSync(path.join(sharedData, btcDay));
const window = hasData ? { data: [btcDay], from: '0s', to: '5m' } : {};
const source = readFileSync(path.join(rulesetsDir, 'pure-symmetric.quoin'), 'utf8');

let s: TestService;
beforeAll(async () => {
  s = await testService();
});
afterAll(async () => s.close());

describe('templates', () => {
  it('lists every shipped rule set with the title and text of its header comment', async () => {
    const res = await s.as('viewer', 'GET', '/api/templates');
    expect(res.statusCode).toBe(200);
    const list = res.json<Array<{ id: string; title: string; description: string; source: string }>>();
    const files = (await import('node:fs')).readdirSync(rulesetsDir).filter((f) => f.endsWith('.quoin'));
    expect(list.map((t) => `${t.id}.quoin`).sort()).toEqual(files.sort());
    const as = list.find((t) => t.id === 'avellaneda-stoikov');
    expect(as?.title).toBe('Avellaneda–Stoikov, finite horizon');
    expect(as?.description).toContain('reservation r = s − q·γ·σ²·(T − t)');
    for (const t of list) expect(compile(t.source, { file: `${t.id}.quoin` }).plan, t.id).toBeTruthy();
  });

  it('takes the title from the first header line and stops at the first line of code', () => {
    expect(describeTemplate('x', '# Title\n#\n# Body one\n# Body two\nstrategy "x" version 1 {}\n# not header\n')).toMatchObject({ title: 'Title', description: 'Body one\nBody two' });
    expect(describeTemplate('bare', 'strategy "x" version 1 {}\n')).toMatchObject({ title: 'bare', description: '' });
  });

  it('needs a token', async () => {
    expect((await s.as(undefined, 'GET', '/api/templates')).statusCode).toBe(401);
  });
});

describe('approval queue and charts', () => {
  it('lists versions by status, newest first, and refuses an unknown status', async () => {
    const created = await s.as('author', 'POST', '/api/rulesets', { id: 'queue', name: 'Queue', source });
    expect(created.statusCode, created.body).toBe(201);
    const v1 = created.json().versions[0];
    const v2 = (await s.as('author', 'POST', '/api/rulesets/queue/versions', { source: source.replace(/version 1/, 'version 2') })).json();
    const drafts = (await s.as('viewer', 'GET', '/api/versions?status=draft')).json<Array<{ id: number }>>();
    expect(drafts.map((v) => v.id)).toEqual([v2.id, v1.id]);
    expect((await s.as('viewer', 'GET', '/api/versions?status=pending_approval')).json()).toEqual([]);
    expect((await s.as('viewer', 'GET', '/api/versions')).json()).toHaveLength(2);
    const bad = await s.as('viewer', 'GET', '/api/versions?status=maybe');
    expect(bad.statusCode).toBe(400);
  });

  it('a finished backtest carries thinned series whose PnL parts add up to the total at every point', async () => {
    const v = (await s.as('viewer', 'GET', '/api/versions?status=draft')).json<Array<{ id: number }>>()[0]!;
    const res = await s.as('author', 'POST', `/api/versions/${v.id}/backtests`, window);
    expect(res.statusCode, res.body).toBe(202);
    const job = await waitForJob(s, res.json().id);
    expect(job.status, job.error ?? '').toBe('done');
    const result = job.result as { pnl: { total: number }; charts: JobCharts };
    const c = result.charts;
    expect(c.t.length).toBeGreaterThan(10);
    expect(c.t.length).toBeLessThanOrEqual(400);
    for (let i = 1; i < c.t.length; i++) expect(c.t[i]!).toBeGreaterThanOrEqual(c.t[i - 1]!);
    c.t.forEach((_, i) => {
      const parts = c.pnl.spreadCapture[i]! + c.pnl.inventory[i]! + c.pnl.fees[i]! + c.pnl.hedge[i]!;
      expect(parts).toBeCloseTo(c.pnl.total[i]!, 6);
      expect(c.drawdown[i]!).toBeLessThanOrEqual(0);
    });
    expect(c.pnl.total.at(-1)).toBeCloseTo(result.pnl.total, 6);
    expect(c.markets.map((m) => m.alias)).toEqual(['m']);
    expect(c.markets[0]!.mid.filter((x) => x !== null).length).toBeGreaterThan(0);
    expect(c.scenario).toHaveLength(c.t.length);
  });

  it('measures drawdown from the start at 0 PnL, as the summary does', () => {
    expect(drawdownSeries([-1, 2, 1, 3])).toEqual([-1, 0, -1, 0]);
  });

  it('thins evenly and keeps the first and the last sample', () => {
    expect(thinIndices(5, 400)).toEqual([0, 1, 2, 3, 4]);
    const k = thinIndices(10_001, 400);
    expect(k).toHaveLength(400);
    expect(k[0]).toBe(0);
    expect(k.at(-1)).toBe(10_000);
    for (let i = 1; i < k.length; i++) expect(k[i]!).toBeGreaterThan(k[i - 1]!);
  });
});

describe('the editor at /', () => {
  it('serves the built app without a token, and says how to build it when it is missing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'quoin-editor-'));
    try {
      mkdirSync(path.join(dir, 'assets'));
      writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Quoin</title>');
      writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
      const app = await buildApp(s.deps, { editorDir: dir });
      const index = await app.inject({ method: 'GET', url: '/' });
      expect(index.statusCode).toBe(200);
      expect(index.headers['content-type']).toContain('text/html');
      expect(index.body).toContain('<title>Quoin</title>');
      expect((await app.inject({ method: 'GET', url: '/assets/app.js' })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/assets/../../etc/passwd' })).statusCode).toBe(404);
      expect((await app.inject({ method: 'GET', url: '/api/me' })).statusCode).toBe(401);
      await app.close();
      const missing = await buildApp(s.deps, { editorDir: path.join(dir, 'nope') });
      const res = await missing.inject({ method: 'GET', url: '/' });
      expect(res.statusCode).toBe(503);
      expect(res.body).toContain('npm run build');
      await missing.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
