// The benchmark runner's process isolation: figures printed by a child come back parsed and reach
// the parent's output in order; a failing child is an error, not a silent gap in the figures.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFigure, runIsolated } from '../../bench/isolate.js';

function script(body: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'quoin-isolate-'));
  const file = path.join(dir, 'child.mjs');
  writeFileSync(file, body);
  return file;
}

describe('parseFigure', () => {
  it('reads the name, value and unit of a bench line and nothing else', () => {
    expect(parseFigure('bench: engine as-template lobster-aapl1 = 3.9e6 events/s')).toEqual({ name: 'engine as-template lobster-aapl1', value: 3.9e6, unit: 'events/s' });
    expect(parseFigure('bench: backtest peak memory (rss) = 258 MiB')).toEqual({ name: 'backtest peak memory (rss)', value: 258, unit: 'MiB' });
    expect(parseFigure('engine: loading lobster-goog10')).toBeUndefined();
    expect(parseFigure('bench: no value here')).toBeUndefined();
  });
});

describe('runIsolated', () => {
  it('passes the child lines through in order and returns its figures', async () => {
    const file = script(
      [
        "process.stdout.write('bench: a = 1.5e6 events/s\\n');",
        "process.stdout.write('a note\\nbench: b (rss) = 12');",
        "setTimeout(() => process.stdout.write(' MiB\\nbench: pid = ' + process.pid + ' id\\n'), 20);",
      ].join('\n'),
    );
    const lines: string[] = [];
    const figures = await runIsolated(file, [], (l) => lines.push(l));
    expect(lines.slice(0, 3)).toEqual(['bench: a = 1.5e6 events/s', 'a note', 'bench: b (rss) = 12 MiB']);
    expect(figures.get('a')).toBe(1.5e6);
    expect(figures.get('b (rss)')).toBe(12);
    // A process of its own, not this one.
    expect(figures.get('pid')).not.toBe(process.pid);
  });

  it('passes its arguments and rejects when the child fails', async () => {
    const file = script("if (process.argv[2] === 'fail') { console.error('child: no such part'); process.exit(3); }\nconsole.log('bench: arg = ' + process.argv.length + ' n');");
    await expect(runIsolated(file, ['ok', 'x'], () => undefined)).resolves.toEqual(new Map([['arg', 4]]));
    await expect(runIsolated(file, ['fail'], () => undefined)).rejects.toThrow(/'fail' exited with 3/);
  });
});
