// The project's root folder (where package.json, rulesets/ and editor/ live), found from this module
// whether it runs from sources, from dist/ or from the dist/quoin.mjs bundle.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function projectRoot(from: string = import.meta.url): string {
  let dir = path.dirname(fileURLToPath(from));
  for (let i = 0; i < 6; i++) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'quoin') return dir;
      } catch {
        // not ours; keep looking upwards
      }
    }
    dir = path.dirname(dir);
  }
  throw new Error(`cannot find the quoin project root above ${fileURLToPath(from)}`);
}
