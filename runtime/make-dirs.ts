// mkdir -p, one level at a time. Node 20's recursive mkdirSync never returns on some paths it cannot
// create (under /proc it spins at full CPU); this throws as soon as one level cannot be made. Used
// wherever Quoin creates a folder a user named: the data cache, the store's database.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export function makeDirs(dir: string): void {
  const missing: string[] = [];
  let d = path.resolve(dir);
  while (!existsSync(d)) {
    missing.push(d);
    const parent = path.dirname(d);
    if (parent === d) break;
    d = parent;
  }
  for (let i = missing.length - 1; i >= 0; i--) mkdirSync(missing[i] as string);
}
