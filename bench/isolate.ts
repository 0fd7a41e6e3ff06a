// Runs a benchmark script in a fresh Node process: its stdout lines pass through to ours (so the
// `bench: <name> = <value> <unit>` figures reach whoever reads them, in order), its stderr is ours,
// and the figures it printed come back parsed. bench/run.ts uses it to give each module, and each
// dataset of the engine and backtest modules, a process of its own (see docs/performance.md).
import { spawn } from 'node:child_process';

const FIGURE = /^bench: (.+) = (\S+) (\S+)$/;

/** The figure of one `bench:` line, or undefined for any other line. */
export function parseFigure(line: string): { name: string; value: number; unit: string } | undefined {
  const m = FIGURE.exec(line);
  if (m?.[1] === undefined || m[2] === undefined || m[3] === undefined) return undefined;
  return { name: m[1], value: Number(m[2]), unit: m[3] };
}

/**
 * `node <script> ...args` with this process's Node flags. Resolves with the figures it printed
 * (name → value; a name printed twice keeps the last value), rejects when it exits non-zero.
 */
export function runIsolated(script: string, args: readonly string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...process.execArgv, script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    const figures = new Map<string, number>();
    let pending = '';
    const line = (text: string): void => {
      out(text);
      const f = parseFigure(text);
      if (f) figures.set(f.name, f.value);
    };
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      pending += chunk;
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
        line(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
    });
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      if (pending !== '') line(pending);
      if (code === 0) resolve(figures);
      else reject(new Error(`benchmark process '${args.join(' ')}' ${signal ? `was killed by ${signal}` : `exited with ${String(code)}`}`));
    });
  });
}
