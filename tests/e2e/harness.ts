// End-to-end set-up: the real server (`quoin serve`, the built bundle) on a free loopback port with
// a fresh SQLite file, users with one role each made through the API, and Debian's chromium driven
// by playwright-core. Screenshots go to test-artifacts/e2e/ (git-ignored) for a person to look at.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { root } from '../helpers.js';

export const chromiumPath = process.env.QUOIN_CHROMIUM ?? '/usr/bin/chromium';
export const artifacts = path.join(root, 'test-artifacts', 'e2e');
const bin = path.join(root, 'dist', 'quoin.mjs');

export interface E2eServer {
  url: string;
  tokens: Record<'admin' | 'author' | 'risk' | 'operator' | 'viewer', string>;
  output(): string;
  close(): Promise<void>;
}

export async function startE2eServer(): Promise<E2eServer> {
  if (!existsSync(path.join(root, 'dist', 'editor', 'index.html'))) throw new Error('dist/editor is missing: run npm run build (npm test does) before the browser tests');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'quoin-e2e-'));
  const admin = `qn_e2e_admin_${Math.random().toString(36).slice(2)}0123456789`;
  const child: ChildProcess = spawn(process.execPath, [bin, 'serve', '--port', '0', '--db', path.join(dir, 'quoin.db')], { cwd: dir, env: { ...process.env, QUOIN_ADMIN_TOKEN: admin }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`quoin serve did not start in 60 s:\n${out}`)), 60_000);
    child.stdout?.on('data', () => {
      const m = /serving on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`quoin serve exited (${code}):\n${out}`)));
  });
  const call = async <T>(method: string, p: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}${p}`, { method, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const tokens = { admin } as E2eServer['tokens'];
  for (const [who, role] of [['author', 'author'], ['risk', 'risk_manager'], ['operator', 'operator'], ['viewer', 'viewer']] as const) {
    const user = await call<{ id: string }>('POST', '/api/users', { name: `e2e-${who}`, roles: [role] });
    tokens[who] = (await call<{ token: string }>('POST', `/api/users/${user.id}/tokens`, { label: 'e2e' })).token;
  }
  return {
    url,
    tokens,
    output: () => out,
    async close() {
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) throw new Error(`no chromium at ${chromiumPath}: install Debian's chromium (apt-get install chromium; .ci/run does it) or set QUOIN_CHROMIUM`);
  // playwright-core gives the browser a fresh temporary profile of its own.
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** A fresh browser context (its own local storage) logged in through the login form. */
export async function loginAs(browser: Browser, server: E2eServer, who: keyof E2eServer['tokens'], route = ''): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  page.on('pageerror', (err) => process.stderr.write(`[browser ${who}] ${err.message}\n`));
  await page.goto(`${server.url}/${route ? `#/${route}` : ''}`);
  await page.getByTestId('token').fill(server.tokens[who]);
  await page.getByTestId('login').click();
  await page.getByTestId('whoami').waitFor();
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}
