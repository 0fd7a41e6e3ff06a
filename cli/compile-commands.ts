// `quoin check FILE…` and `quoin compile FILE [-o plan.json]`.
// Exit codes: 0 fine; 1 a rule set has errors or a file cannot be read (reported as a Q1009 diagnostic);
// 2 the command itself was misused (unknown flag, missing argument).
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../dsl/diagnostics.js';
import { compile } from '../compiler/program.js';
import { expandInputs, readSource } from './read-source.js';

interface FileReport {
  file: string;
  ok: boolean;
  hash?: string;
  diagnostics: Diagnostic[];
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('check rule sets and print their diagnostics as file:line:col: severity: message')
    .argument('<files...>', '.quoin files, or directories to check every .quoin file in')
    .option('--json', 'print machine-readable diagnostics')
    .option('--warnings-as-errors', 'exit 1 on warnings too')
    .action((files: string[], opts: { json?: boolean; warningsAsErrors?: boolean }) => {
      const reports: FileReport[] = [];
      let failed = false;
      for (const file of expandInputs(files)) {
        const source = readSource(file);
        if (!source.ok) {
          reports.push({ file, ok: false, diagnostics: [source.diagnostic] });
          failed = true;
          continue;
        }
        const result = compile(source.text, { file });
        const bad = hasErrors(result.diagnostics) || (opts.warningsAsErrors === true && result.diagnostics.some((d) => d.severity === 'warning'));
        failed ||= bad;
        reports.push({ file, ok: !bad, ...(result.plan ? { hash: result.plan.hash } : {}), diagnostics: result.diagnostics });
      }
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ ok: !failed, files: reports }, null, 2)}\n`);
      } else {
        for (const r of reports) for (const d of r.diagnostics) process.stdout.write(`${formatDiagnostic(d)}\n`);
        if (!failed) process.stdout.write('ok\n');
      }
      process.exitCode = failed ? 1 : 0;
    });
}

export function registerCompile(program: Command): void {
  program
    .command('compile')
    .description('compile a rule set to its plan (JSON); errors go to stderr')
    .argument('<file>', 'a .quoin file')
    .option('-o, --output <plan.json>', 'write the plan to this file instead of standard output')
    .option('--json', 'print diagnostics on stderr as JSON')
    .action((file: string, opts: { output?: string; json?: boolean }) => {
      const source = readSource(file);
      const result = source.ok ? compile(source.text, { file }) : { plan: undefined, diagnostics: [source.diagnostic] };
      if (opts.json) {
        if (result.diagnostics.length > 0) process.stderr.write(`${JSON.stringify({ diagnostics: result.diagnostics }, null, 2)}\n`);
      } else {
        for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
      }
      if (!result.plan) {
        process.exitCode = 1;
        return;
      }
      const text = `${JSON.stringify(result.plan, null, 2)}\n`;
      if (opts.output) {
        writeFileSync(opts.output, text);
        process.stderr.write(`wrote ${opts.output} (${result.plan.hash})\n`);
      } else {
        process.stdout.write(text);
      }
      process.exitCode = 0;
    });
}
