// The two commands as users run them: `quoin venue` (the loopback venue server) in one process and
// `quoin trade` (the runner through ccxt) in another, credentials passed through the environment.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { root } from '../helpers.js';

const bin = path.join(root, 'dist', 'quoin.mjs');
const dir = mkdtempSync(path.join(os.tmpdir(), 'quoin-trade-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('quoin venue + quoin trade', () => {
  it('trades a template on paper against the venue for a few seconds and stops with no order left', async () => {
    const env = { ...process.env, QUOIN_VENUE_KEY: 'clitestkey0123456789', QUOIN_VENUE_SECRET: 'clitestsecret0123456789' };
    const venue = spawn(process.execPath, [bin, 'venue', '--port', '0', '--speed', '5'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`quoin venue did not start:\n${out}`)), 30_000);
        venue.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /REST on (http:\/\/\S+)/.exec(out);
          if (m?.[1]) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        venue.on('exit', (code) => reject(new Error(`quoin venue exited ${code}:\n${out}`)));
      });
      expect(out).not.toContain('clitestsecret');
      const args = [bin, 'trade', path.join(root, 'rulesets', 'pure-symmetric.quoin'), '--instance', 'cli-paper', '--journal', path.join(dir, 'j.db'), '--venue-url', url, '--duration', '3', '--interval', '200', '--streams'];
      const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const p = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        p.on('exit', (code) => resolve({ code, stdout, stderr }));
      });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).not.toContain('clitestsecret');
      // The ccxt line printed at start is what to write, not an Agent's insides.
      expect(out).toContain('ccxt: new ccxt.binance({"apiKey":"$QUOIN_VENUE_KEY","secret":"$QUOIN_VENUE_SECRET"');
      expect(out).toContain('"httpAgent":"new http.Agent() (node:http)"');
      expect(out).not.toContain('_events');
      const snap = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { state: string; openOrders: number; counts: { placed: number } };
      expect(snap.state).toBe('stopped');
      expect(snap.openOrders).toBe(0);
      expect(snap.counts.placed).toBeGreaterThanOrEqual(2);
    } finally {
      venue.kill('SIGTERM');
    }
  }, 90_000);

  it('refuses to run without credentials or a place to trade, saying what is missing', () => {
    const env = { ...process.env };
    delete env.QUOIN_VENUE_KEY;
    delete env.QUOIN_VENUE_SECRET;
    delete env.QUOIN_BINANCE_KEY;
    delete env.QUOIN_BINANCE_SECRET;
    const file = path.join(root, 'rulesets', 'pure-symmetric.quoin');
    const noWhere = spawnSync(process.execPath, [bin, 'trade', file, '--instance', 'x'], { env, encoding: 'utf8' });
    expect(noWhere.status).toBe(2);
    expect(noWhere.stderr).toContain('--venue-url URL');
    const noKeys = spawnSync(process.execPath, [bin, 'trade', file, '--instance', 'x', '--venue-url', 'http://127.0.0.1:9'], { env, encoding: 'utf8' });
    expect(noKeys.status).toBe(2);
    expect(noKeys.stderr).toContain('QUOIN_BINANCE_KEY');
    const badCredit = spawnSync(process.execPath, [bin, 'trade', file, '--instance', 'x', '--venue-url', 'http://127.0.0.1:9', '--credit', 'binance'], { env: { ...env, QUOIN_VENUE_KEY: 'k', QUOIN_VENUE_SECRET: 's' }, encoding: 'utf8' });
    expect(badCredit.status).toBe(2);
    expect(badCredit.stderr).toContain('--credit takes venue=limit');
  });
});
