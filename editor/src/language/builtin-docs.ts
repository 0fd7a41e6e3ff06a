// Markdown for built-ins, from compiler/builtins.ts (the table the checker and docs/dsl.md read), so
// completion and hover say exactly what the compiler enforces.
import { builtins, signature, type ArgAccepts, type BuiltinSpec } from '../../../compiler/builtins.js';

const acceptsUnits: Record<ArgAccepts, string> = {
  same: 'any unit (the result takes it)',
  numeric: 'any numeric unit',
  price: 'a price',
  qty: 'a quantity',
  distance: 'bps or a price difference',
  duration: 'a duration (500ms, 5s, 2m, 1h)',
  count: 'a whole number',
  ratio: 'a plain number (bps and durations in seconds also accepted)',
  marketAlias: 'a market alias',
};

export function builtinMarkdown(b: BuiltinSpec): string {
  const lines = ['```quoin', signature(b), '```', b.summary];
  if (b.args.length > 0) {
    lines.push('', '**Arguments**');
    for (const a of b.args) {
      const extra = [a.fixed ? 'fixed before the run' : '', a.default !== undefined ? `default ${a.default}` : ''].filter(Boolean).join(', ');
      lines.push(`- \`${a.name}\`: ${acceptsUnits[a.accepts]}${extra ? ` (${extra})` : ''}${a.doc ? ` — ${a.doc}` : ''}`);
    }
  }
  if (b.notes) lines.push('', b.notes);
  return lines.join('\n');
}

/** Snippet text with a placeholder per argument that has no default: `ewm_mean(${1:x}, halflife: ${2:60s})`. */
export function builtinSnippet(b: BuiltinSpec): string {
  const required = b.args.filter((a) => a.default === undefined);
  if (b.form === 'value' || required.length === 0) return b.name;
  const parts = required.map((a, i) => {
    const n = i + 1;
    // Windows and half-lives read best named, as the shipped rulesets write them.
    if (i > 0 && a.accepts === 'duration') return `${a.name}: \${${n}:60s}`;
    return `\${${n}:${a.name}}`;
  });
  return `${b.name}(${parts.join(', ')})`;
}

export function findBuiltin(name: string, form: BuiltinSpec['form']): BuiltinSpec | undefined {
  return builtins.find((b) => b.name === name && b.form === form);
}
