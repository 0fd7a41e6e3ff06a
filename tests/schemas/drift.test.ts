// The TypeScript types in schemas/generated/ are generated from the JSON Schemas; this fails when
// someone edits a schema without running `npm run gen:types` (or edits a generated file by hand).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { generateTypes, generatedDir } from '../../scripts/gen-types.mjs';

describe('generated schema types', () => {
  it('match what the generator produces from the schemas', async () => {
    const expected = (await generateTypes()) as Map<string, string>;
    const onDisk = readdirSync(generatedDir as string).filter((f) => f.endsWith('.ts')).sort();
    expect(onDisk).toEqual([...expected.keys()].sort());
    for (const [name, ts] of expected) {
      expect(readFileSync(path.join(generatedDir as string, name), 'utf8'), `schemas/generated/${name} is stale: run npm run gen:types`).toBe(ts);
    }
  }, 30_000);
});
