// docs/dsl.md carries two generated sections (built-ins, diagnostics); this fails when the code
// changed and `npm run gen:docs` was not run.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyDocSections } from '../../scripts/gen-docs.js';
import { catalogue } from '../../dsl/diagnostics.js';
import { builtins } from '../../compiler/builtins.js';
import { root } from '../helpers.js';

describe('docs/dsl.md', () => {
  const doc = readFileSync(path.join(root, 'docs', 'dsl.md'), 'utf8');

  it('has up-to-date generated sections', () => {
    expect(applyDocSections(doc)).toBe(doc);
  }, 30_000);

  it('documents every diagnostic code and every built-in', () => {
    for (const code of Object.keys(catalogue)) expect(doc).toContain(`#### ${code}:`);
    for (const b of builtins) expect(doc).toContain(b.name);
  });
});
