// The decision fingerprint (scripts/fingerprint.ts) that speed-ups are checked with: the same build
// and data give the same hashes, and a plan that decides differently gives a different one.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { differences, fingerprint } from '../../scripts/fingerprint.js';
import { root, rulesetsDir } from '../helpers.js';

const dataDir = path.resolve(root, '../shared/data');
const file = 'lobster/LOBSTER_SampleFile_AAPL_2012-06-21_1.zip';

describe.skipIf(!existsSync(path.join(dataDir, file)))('decision fingerprint', () => {
  it('is the same for the same plan and data, and differs when a plan decides differently', async () => {
    const options = { dataDir, rulesetsDir, files: [file], templates: ['pure-symmetric.quoin'], loopOn: [] };
    const a = await fingerprint(options);
    const b = await fingerprint(options);
    // Decisions and mark samples are hashed apart.
    expect(Object.keys(a)).toEqual(['LOBSTER_SampleFile_AAPL_2012-06-21_1.zip pure-symmetric.quoin', 'LOBSTER_SampleFile_AAPL_2012-06-21_1.zip pure-symmetric.quoin marks']);
    for (const h of Object.values(a)) expect(h).toMatch(/^[0-9a-f]{16}$/);
    expect(differences(a, b)).toEqual([]);

    // The same template quoting a little wider: other prices, other actions, another hash.
    const dir = mkdtempSync(path.join(tmpdir(), 'quoin-fp-'));
    const source = readFileSync(path.join(rulesetsDir, 'pure-symmetric.quoin'), 'utf8');
    const wider = source.replace(/half_spread\s*=\s*[0-9.]+ bps/, (m) => m.replace(/[0-9.]+ bps/, '9 bps'));
    expect(wider).not.toBe(source);
    writeFileSync(path.join(dir, 'pure-symmetric.quoin'), wider);
    const c = await fingerprint({ ...options, rulesetsDir: dir });
    expect(differences(a, c)).toEqual(['LOBSTER_SampleFile_AAPL_2012-06-21_1.zip pure-symmetric.quoin', 'LOBSTER_SampleFile_AAPL_2012-06-21_1.zip pure-symmetric.quoin marks']);
  }, 60_000);
});

describe('fingerprint differences', () => {
  it('lists changed hashes and keys that only one side has', () => {
    expect(differences({ x: '1', y: '2', w: '4' }, { y: '2', z: '3', w: '5' })).toEqual(['w', 'x', 'z']);
  });
});
