/// <reference lib="dom" />
// The web app in a real browser against the real server: live diagnostics and completion in the
// editor, then the whole governance flow by three people — an author writes, tests and submits a
// rule set; a risk manager reviews the diff and evidence and approves; an operator deploys it and
// watches quotes move on the dashboard; the kill switch halts the instance and the dashboard shows it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rulesetsDir } from '../helpers.js';
import { launchBrowser, loginAs, screenshot, startE2eServer, type E2eServer } from './harness.js';

let server: E2eServer;
let browser: Browser;
beforeAll(async () => {
  server = await startE2eServer();
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

type Marker = { startLineNumber: number; message: string; severity: number };
const markers = (page: Page): Promise<Marker[]> =>
  page.evaluate(() => {
    const m = (window as unknown as { quoinDebug: { monaco: { editor: { getModelMarkers(f: object): Marker[] } } } }).quoinDebug.monaco;
    return m.editor.getModelMarkers({ owner: 'quoin' }).map((x) => ({ startLineNumber: x.startLineNumber, message: x.message, severity: x.severity }));
  });
const setSource = (page: Page, text: string): Promise<void> =>
  page.evaluate((t) => {
    const m = (window as unknown as { quoinDebug: { monaco: { editor: { getModels(): Array<{ uri: { path: string }; setValue(s: string): void }> } } } }).quoinDebug.monaco;
    m.editor.getModels().find((x) => x.uri.path.endsWith('.quoin'))!.setValue(t);
  }, text);

const template = readFileSync(path.join(rulesetsDir, 'pure-symmetric.quoin'), 'utf8');

describe('the editor in a browser', () => {
  it('marks a syntax error on its line as it is typed and clears it when fixed; completes built-ins', async () => {
    const page = await loginAs(browser, server, 'author', 'author');
    await page.getByTestId('new-from-template').click();
    await page.locator('[data-template="pure-symmetric"] button').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="compile-info"]')?.textContent?.includes('0 errors'));
    expect(await markers(page)).toEqual([]);

    // Type a broken line right after the params block opens.
    const lines = template.split('\n');
    const target = lines.findIndex((l) => /^\s*params\s*\{/.test(l)) + 2; // 1-based line after `params {`
    const typeBrokenLine = async (): Promise<void> => {
      await page.locator('.monaco .view-lines').click();
      await page.keyboard.press('Control+Home');
      for (let i = 1; i < target; i++) await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Home');
      await page.keyboard.type('oops = = 3\n');
    };
    const typed = (): Promise<boolean> =>
      page.evaluate(() => (window as unknown as { quoinDebug: { monaco: { editor: { getModels(): Array<{ getValue(): string }> } } } }).quoinDebug.monaco.editor.getModels().some((m) => m.getValue().includes('oops = = 3')));
    await typeBrokenLine();
    // On a loaded CI machine a click can land before the editor takes focus and the keys go
    // nowhere (seen once in a full run): type again only if the text never reached the editor.
    await page.waitForFunction(() => document.querySelector('[data-testid="problems"] li.error'), undefined, { timeout: 10_000 }).catch(async () => {
      if (!(await typed())) await typeBrokenLine();
    });
    expect(await typed()).toBe(true);
    await page.waitForFunction(() => document.querySelector('[data-testid="problems"] li.error'));
    const errors = (await markers(page)).filter((m) => m.severity === 8);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]!.startLineNumber).toBe(target);
    expect(await page.getByTestId('problems').textContent()).toContain(`${target}:`);
    await screenshot(page, '1-editor-syntax-error');

    // Delete the broken line again: the marker goes away.
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Control+Shift+K');
    await page.waitForFunction(() => !document.querySelector('[data-testid="problems"] li.error'), undefined, { timeout: 10_000 });
    expect((await markers(page)).filter((m) => m.severity === 8)).toEqual([]);

    // Completion offers a built-in: on a new line inside the strategy, before its quote block.
    const quoteLine = lines.findIndex((l) => /^\s*quote\s+m\s*\{/.test(l)) + 1;
    await page.keyboard.press('Control+Home');
    for (let i = 1; i < quoteLine; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.type('signal probe = ewm_');
    await page.keyboard.press('Control+Space');
    const suggest = page.locator('.suggest-widget.visible');
    await suggest.waitFor();
    await expect.poll(async () => (await suggest.textContent()) ?? '').toContain('ewm_mean');
    await screenshot(page, '2-editor-completion');
    await page.context().close();
  }, 120_000);

  it('author → submit → risk manager approves → operator deploys → dashboard shows quotes moving; kill switch halts', async () => {
    // Author: a wider variant of the template, saved, tested, submitted.
    const author = await loginAs(browser, server, 'author', 'author');
    await author.getByTestId('new-from-template').click();
    await author.locator('[data-template="pure-symmetric"] button').click();
    const source = template.replace(/strategy "([^"]+)"/, 'strategy "e2e-wide"').replace(/half_spread\s*=\s*[0-9.]+ bps/, (m) => m.replace(/[0-9.]+ bps/, '7 bps'));
    expect(source).not.toBe(template);
    await setSource(author, source);
    await author.waitForFunction(() => document.querySelector('[data-testid="compile-info"]')?.textContent?.includes('0 errors'));
    author.once('dialog', (d) => void d.accept('e2e-wide'));
    await author.getByTestId('save').click();
    await author.locator('[data-ruleset="e2e-wide"]').waitFor();
    await author.getByTestId('bt-to').fill('5m');
    await author.getByTestId('run-backtest').click();
    await author.locator('[data-testid="job-backtest"] table.kv').waitFor({ timeout: 90_000 });
    await author.locator('[data-testid="job-backtest"] .uplot').first().waitFor();
    await author.getByTestId('run-stress').click();
    await author.locator('[data-testid="job-stress"] table.grid').waitFor({ timeout: 120_000 });
    await screenshot(author, '3-author-backtest-stress');
    await author.getByTestId('submit').click();
    await author.locator('.badge.s-pending_approval').first().waitFor();
    // A second draft, and the history diff between the two versions.
    await setSource(author, source.replace('7 bps', '8 bps'));
    await author.waitForFunction(() => document.querySelector('[data-testid="compile-info"]')?.textContent?.includes('0 errors'));
    await author.getByTestId('save').click();
    await author.locator('[data-version="2"]').waitFor();
    await author.locator('[data-version="2"] [data-testid="diff-prev"]').click();
    await author.locator('dialog [data-testid="diff"] .editor.modified').waitFor();
    // Monaco renders spaces as no-break spaces.
    await expect.poll(async () => ((await author.locator('dialog [data-testid="diff"] .editor.modified').textContent()) ?? '').replace(/\u00a0/g, ' '), { timeout: 15_000 }).toContain('half_spread  = 8 bps');
    // The diff editor renders its two sides separately: wait for each.
    await expect.poll(async () => ((await author.locator('dialog [data-testid="diff"] .editor.original').textContent()) ?? '').replace(/\u00a0/g, ' '), { timeout: 15_000 }).toContain('half_spread  = 7 bps');
    await screenshot(author, '3b-author-history-diff');
    await author.locator('dialog button', { hasText: 'Close' }).click();
    await author.context().close();

    // Risk manager: the queue shows it with the diff, evidence and envelope; approve.
    const risk = await loginAs(browser, server, 'risk', 'approvals');
    await risk.locator('[data-testid="queue"] li[data-version-id]').first().click();
    await risk.getByTestId('approval-diff').waitFor();
    await risk.locator('[data-testid="job-backtest"]').waitFor();
    await risk.locator('[data-testid="job-stress"]').waitFor();
    await risk.getByTestId('envelope').waitFor();
    await risk.getByTestId('comment').fill('wider spread, evidence reviewed');
    await screenshot(risk, '4-risk-approval');
    await risk.getByTestId('approve').click();
    await risk.getByText('is now approved').waitFor();
    await risk.context().close();

    // Operator: deploy to the default paper instance and watch quotes move.
    const op = await loginAs(browser, server, 'operator', 'dashboard/paper-default');
    await op.getByTestId('deploy-select').waitFor();
    await op.getByTestId('deploy').click();
    await op.getByText('deployed e2e-wide v1').waitFor({ timeout: 20_000 });
    await op.locator('[data-testid="quote-bid"]').first().waitFor({ timeout: 20_000 });
    const first = { time: await op.getByTestId('event-time').textContent(), events: await op.getByTestId('events').textContent() };
    await expect.poll(async () => op.getByTestId('event-time').textContent(), { timeout: 20_000 }).not.toBe(first.time);
    // Event time moves with the clock even between messages; the event count follows the next one.
    await expect.poll(async () => op.getByTestId('events').textContent(), { timeout: 20_000 }).not.toBe(first.events);
    await expect.poll(async () => (await op.getByTestId('live-head').textContent()) ?? '').toContain('e2e-wide');
    // Explain a quote and jump to its DSL line.
    await op.locator('[data-testid="quote-bid"]').first().click();
    await op.locator('[data-testid="explain"] a.jump').first().waitFor();
    await op.locator('[data-testid="explain"] a.jump').first().click();
    await op.locator('.jump-line').first().waitFor();
    await screenshot(op, '5-dashboard-live');

    // Kill switch: halted, orders gone, and the dashboard says so.
    op.once('dialog', (d) => void d.accept('e2e drill'));
    await op.getByTestId('kill').click();
    await op.getByTestId('resume').waitFor();
    await expect.poll(async () => op.getByTestId('status').textContent(), { timeout: 10_000 }).toBe('killed');
    await expect.poll(async () => op.getByTestId('risk-state').textContent(), { timeout: 10_000 }).toBe('risk halted');
    await op.getByTestId('no-quotes').waitFor();
    await screenshot(op, '6-dashboard-killed');
    await op.context().close();
  }, 300_000);

  it('shows a viewer only the dashboard, with no deploy or kill buttons', async () => {
    const page = await loginAs(browser, server, 'viewer');
    expect(await page.getByTestId('tab-author').count()).toBe(0);
    expect(await page.getByTestId('tab-approvals').count()).toBe(0);
    await page.getByTestId('live-head').waitFor();
    expect(await page.getByTestId('kill').count()).toBe(0);
    expect(await page.getByTestId('deploy').count()).toBe(0);
    await page.context().close();
  }, 60_000);
});
