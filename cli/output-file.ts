// Files a command writes (--report, --out): checked before the work starts, so a typo in a path
// does not cost a whole backtest, and written with errors that name the option.
import { accessSync, constants, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Why `file` cannot be written, or undefined when it can (as far as can be told before writing). */
export function outputProblem(option: string, file: string): string | undefined {
  const dir = path.dirname(path.resolve(file));
  const existing = statSync(file, { throwIfNoEntry: false });
  if (existing?.isDirectory()) return `${option} ${file}: is a directory; give a file name`;
  const parent = statSync(dir, { throwIfNoEntry: false });
  if (!parent?.isDirectory()) return `${option} ${file}: the folder ${dir} does not exist`;
  try {
    accessSync(existing ? file : dir, constants.W_OK);
  } catch {
    return `${option} ${file}: not writable`;
  }
  return undefined;
}

/** Writes `text`; a failure becomes an Error naming the option and the reason. */
export function writeOutput(option: string, file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`${option} ${file}: cannot write it (${e.code ?? e.message})`);
  }
}
