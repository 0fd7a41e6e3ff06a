// The compile worker runs compiler/hash.ts with node:crypto replaced by the browser shim
// (editor/vite.config.ts aliases it). With the same replacement here, every shipped rule set
// must get the plan hash the server gives it (tests/golden holds those plans).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { compile } from '../../compiler/program.js';
import { root, templates } from '../helpers.js';

vi.mock('node:crypto', async () => await import('../../editor/src/language/shims/node-crypto.js'));

describe('plan hash with the browser shims', () => {
  it('is the server\'s hash for every shipped rule set', async () => {
    const crypto = await import('node:crypto');
    expect(crypto.createHash.toString()).toContain('browser');
    for (const t of templates()) {
      const golden = JSON.parse(readFileSync(path.join(root, 'tests/golden', `${t.name}.plan.json`), 'utf8')) as { hash: string };
      expect(compile(t.source, { file: t.file }).plan?.hash, t.name).toBe(golden.hash);
    }
  });
});
