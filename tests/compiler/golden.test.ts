// Golden ("baseline") tests: every shipped template compiles cleanly and its plan matches the one on
// disk in tests/golden/, which was read and accepted by hand. A change to the compiler or a template
// shows up as a diff here; accept it on purpose with `UPDATE_GOLDEN=1 npx vitest run tests/compiler/golden.test.ts`.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/program.js';
import { formatDiagnostic } from '../../dsl/diagnostics.js';
import { validatePlan } from '../../schemas/index.js';
import { root, templates } from '../helpers.js';

const goldenDir = path.join(root, 'tests', 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

function matchGolden(file: string, actual: string): void {
  const p = path.join(goldenDir, file);
  if (update || !existsSync(p)) {
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, actual);
    if (!update) throw new Error(`golden file ${file} was missing and has been written; review it and run again`);
    return;
  }
  expect(actual).toBe(readFileSync(p, 'utf8'));
}

describe('templates', () => {
  const all = templates();

  it('there are at least 8 templates, each explained by a header comment', () => {
    expect(all.length).toBeGreaterThanOrEqual(8);
    for (const t of all) {
      const header = t.source.split('\n').filter((l) => l.startsWith('#'));
      expect(header.length, `${t.file} needs a header comment`).toBeGreaterThanOrEqual(4);
    }
  });

  for (const t of all) {
    it(`${t.name} compiles with no diagnostics to its golden plan`, () => {
      const r = compile(t.source, { file: t.file });
      expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
      expect(r.plan).toBeDefined();
      expect(validatePlan(r.plan).errors).toEqual([]);
      matchGolden(`${t.name}.plan.json`, `${JSON.stringify(r.plan, null, 2)}\n`);
    });
  }
});

describe('rejected sources', () => {
  // Files in tests/golden/bad/*.quoin with their accepted diagnostics next to them.
  const badDir = path.join(goldenDir, 'bad');
  const cases = existsSync(badDir) ? (readFileSync(path.join(badDir, 'index.txt'), 'utf8').split('\n').filter(Boolean)) : [];
  it('has cases', () => expect(cases.length).toBeGreaterThan(0));
  for (const name of cases) {
    it(name, () => {
      const file = `tests/golden/bad/${name}.quoin`;
      const r = compile(readFileSync(path.join(root, file), 'utf8'), { file });
      expect(r.plan).toBeUndefined();
      matchGolden(`bad/${name}.diagnostics.txt`, `${r.diagnostics.map(formatDiagnostic).join('\n')}\n`);
    });
  }
});
