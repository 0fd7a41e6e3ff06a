/// <reference lib="dom" />
// The web editor's live diagnostics, measured where users feel them: in Debian's chromium, against
// the real server and the built app. An edit to a generated 100-line rule set (alternately breaking
// and fixing a line) is timed until Monaco's markers change: debounce + worker compile + markers.
// Target (issue 6): within 100 ms for a 100-line file.
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../api/server/server.js';
import { paperRuntimeFactory } from '../api/services/paper-runtime.js';
import { generateRuleset } from './generate-ruleset.js';
import type { BenchContext } from './run.js';

const chromiumPath = process.env.QUOIN_CHROMIUM ?? '/usr/bin/chromium';

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

export async function benchEditor(ctx: BenchContext): Promise<void> {
  if (!existsSync(chromiumPath)) return ctx.progress(`[editor] skipped: no chromium at ${chromiumPath}`);
  if (!existsSync(path.join(ctx.root, 'dist', 'editor', 'index.html'))) return ctx.progress('[editor] skipped: dist/editor not built');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'quoin-bench-editor-'));
  const token = 'qn_bench_editor_token_0123456789abcdef';
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dbPath: path.join(dir, 'quoin.db'),
    data: { dir: undefined, defaults: undefined, simulatedSec: 60 },
    adminToken: token,
    defaultRuleSet: false,
    runtimeFactory: paperRuntimeFactory,
    version: 'bench',
    print: () => undefined,
  });
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}/#/author`);
    await page.getByTestId('token').fill(token);
    await page.getByTestId('login').click();
    await page.getByTestId('compile-info').waitFor();
    const source = generateRuleset(100);
    ctx.progress(`[editor] 100-line rule set (${source.split('\n').length} lines), 40 edits`);
    const times = await page.evaluate(async (text: string) => {
      type M = { editor: { getModels(): Array<{ uri: { path: string }; setValue(s: string): void; getLineCount(): number; applyEdits(e: unknown[]): void }>; onDidChangeMarkers(f: () => void): { dispose(): void } } };
      const monaco = (window as unknown as { quoinDebug: { monaco: M & { Range: new (a: number, b: number, c: number, d: number) => unknown } } }).quoinDebug.monaco;
      const model = monaco.editor.getModels().find((m) => m.uri.path.endsWith('.quoin'))!;
      const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 300));
      model.setValue(text);
      await settle();
      const out: number[] = [];
      const line = Math.floor(model.getLineCount() / 2);
      for (let i = 0; i < 40; i++) {
        const changed = new Promise<void>((resolve) => {
          const d = monaco.editor.onDidChangeMarkers(() => {
            d.dispose();
            resolve();
          });
        });
        const t0 = performance.now();
        // Odd edits break the line (a stray `= =`), even edits remove the break again.
        const broken = i % 2 === 0;
        model.applyEdits([{ range: new monaco.Range(line, 1, line, 1), text: broken ? '= = ' : '' }]);
        if (!broken) model.applyEdits([{ range: new monaco.Range(line, 1, line, 5), text: '' }]);
        await changed;
        out.push(performance.now() - t0);
        await settle();
      }
      return out;
    }, source);
    const sorted = [...times].sort((a, b) => a - b);
    ctx.report('editor diagnostics 100-line edit→markers p50', quantile(sorted, 0.5), 'ms');
    ctx.report('editor diagnostics 100-line edit→markers p90', quantile(sorted, 0.9), 'ms');
    const info = (await page.getByTestId('compile-info').textContent()) ?? '';
    const compiled = /compiled in ([0-9.]+) ms/.exec(info)?.[1];
    if (compiled) ctx.report('editor worker compile 100-line (last)', Number(compiled), 'ms');
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
