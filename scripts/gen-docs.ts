// Generates the two sections of docs/dsl.md that restate tables of the code: the built-in reference
// (from compiler/builtins.ts) and the diagnostics list (from dsl/diagnostics.ts, with each example
// compiled to show what the compiler prints). The rest of docs/dsl.md is written by hand.
//
//   npm run gen:docs                         rewrites docs/dsl.md in place
//   npx tsx scripts/gen-docs.ts --check      exits 1, writing nothing, when docs/dsl.md is stale
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtins, signature, type ArgAccepts, type ArgSpec, type BuiltinSpec } from '../compiler/builtins.js';
import { checkEnvelope, type EnvelopeLimits } from '../compiler/envelope.js';
import { compile } from '../compiler/program.js';
import { catalogue, type CatalogueEntry } from '../dsl/diagnostics.js';

export const sectionNames = ['builtins', 'diagnostics'] as const;
export type SectionName = (typeof sectionNames)[number];

/** Markdown for every generated section, by name. */
export function generateDocSections(): Record<SectionName, string> {
  return { builtins: builtinsSection(), diagnostics: diagnosticsSection() };
}

/** Replaces the text between each section's start and end markers with freshly generated content. */
export function applyDocSections(markdown: string, sections: Record<string, string> = generateDocSections()): string {
  let out = markdown;
  for (const [name, content] of Object.entries(sections)) {
    const start = `<!-- generated:${name}:start -->`;
    const end = `<!-- generated:${name}:end -->`;
    const i = out.indexOf(start);
    const j = out.indexOf(end);
    if (i < 0 || j < 0) throw new Error(`the document has no ${start} … ${end} markers`);
    if (out.indexOf(start, i + 1) >= 0 || out.indexOf(end, j + 1) >= 0) throw new Error(`the ${name} markers appear more than once`);
    if (j < i) throw new Error(`${end} comes before ${start}`);
    out = `${out.slice(0, i + start.length)}\n${content.trim()}\n${out.slice(j)}`;
  }
  return out;
}

// ---------- built-ins ----------

interface BuiltinGroup {
  title: string;
  intro: string;
  has: (b: BuiltinSpec) => boolean;
}

const builtinGroups: BuiltinGroup[] = [
  {
    title: 'Market fields',
    intro: 'Reads of a market\'s current order book, written `m.field` or `m.field(…)` where `m` is a market alias. Prices are in that market\'s quote currency per base unit, sizes in its base asset. Not stateful: each reads the book as it is.',
    has: (b) => b.form === 'member' && b.lower.to === 'book',
  },
  {
    title: 'Market statistics',
    intro: 'Statistics over a market\'s public trades and mid price, written `m.stat(window)`. All are **stateful**: the runtime keeps their history (see "Stateful nodes and hot-swap" above), so their window must be a fixed duration.',
    has: (b) => b.form === 'member' && b.lower.to === 'stateful',
  },
  {
    title: 'Account values',
    intro: 'Our own position and PnL, and the event clock. The member forms (`m.position`) name the market; bare `position` and `inventory_value` take it from the scope, as "Names and scopes" explains, and bare `pnl` and `daily_pnl` are the whole strategy\'s.',
    has: (b) => b.lower.to === 'account' || b.lower.to === 'clock',
  },
  {
    title: 'Signal functions',
    intro: 'Incremental computations over a series, called `f(x, …)`. All are **stateful**; their windows and half-lives must be fixed durations.',
    has: (b) => b.form === 'function' && b.lower.to === 'stateful',
  },
  {
    title: 'Maths',
    intro: 'Pure functions: no state, no market data of their own.',
    has: (b) => b.form === 'function' && (b.lower.to === 'op' || b.lower.to === 'round_tick'),
  },
];

function lowersTo(b: BuiltinSpec): string {
  const l = b.lower;
  switch (l.to) {
    case 'book': return `\`book\` ${l.field}`;
    case 'stateful': return `**stateful** \`${l.fn}\`${l.window ? ` (${l.window})` : ''}`;
    case 'op': return `\`${l.op}\``;
    case 'account': return `\`account\` ${l.field}`;
    case 'clock': return `\`clock\` ${l.field}`;
    case 'round_tick': return `\`round_tick\` ${l.mode}`;
  }
}

/** Signatures print both `numeric` and `ratio` as `number`: say which is meant, unless the doc does. */
const spelledOut: Partial<Record<ArgAccepts, string>> = {
  numeric: 'a number of any unit',
  ratio: 'a plain number, bps, or a duration in seconds',
};

function argumentText(a: ArgSpec): string {
  const facts: string[] = [];
  const accepts = spelledOut[a.accepts];
  if (accepts && !a.doc.includes('plain number')) facts.push(accepts);
  if (a.fixed) facts.push('must be fixed before the run');
  return `\`${a.name}\`${facts.length > 0 ? ` (${facts.join('; ')})` : ''}${a.doc ? `: ${a.doc}` : ''}`;
}

/** Arguments worth a word beyond the signature. */
function documented(a: ArgSpec): boolean {
  return a.doc !== '' || a.fixed === true || spelledOut[a.accepts] !== undefined;
}

function builtinRow(b: BuiltinSpec): string {
  const parts = [b.summary];
  if (b.notes) parts.push(b.notes);
  const args = b.args.filter(documented);
  if (args.length > 0) parts.push(`*Arguments:* ${args.map(argumentText).join('; ')}.`);
  return `| \`${cell(signature(b))}\` | ${parts.map(cell).join('<br>')} | ${lowersTo(b)} |`;
}

function builtinsSection(): string {
  const out: string[] = [
    '<!-- Generated by scripts/gen-docs.ts from compiler/builtins.ts: do not edit by hand; run `npm run gen:docs`. -->',
    '',
    `${builtins.length} built-ins. In signatures, \`m.\` stands for any market alias; \`T\` is "any unit, the same for every \`T\`"; \`ratio\` is a plain number and \`count\` a whole number; \`= v\` gives an argument\'s default. Arguments can be given by position or by name (\`ewm_mean(m.mid, halflife: 30s)\`). The last column is the plan node the built-in becomes (\`schemas/plan.schema.json\`).`,
  ];
  const placed = new Set<BuiltinSpec>();
  const groups = [...builtinGroups, { title: 'Other built-ins', intro: 'Built-ins that fit none of the groups above.', has: () => true }];
  for (const g of groups) {
    const members = builtins.filter((b) => !placed.has(b) && g.has(b));
    if (members.length === 0) continue;
    members.forEach((b) => placed.add(b));
    out.push('', `### ${g.title}`, '', g.intro, '', '| Signature | Meaning | Plan node |', '|---|---|---|', ...members.map(builtinRow));
  }
  return out.join('\n');
}

// ---------- diagnostics ----------

const families: Record<string, string> = {
  '1': 'Syntax (Q1xxx)',
  '2': 'Names (Q2xxx)',
  '3': 'Types and units (Q3xxx)',
  '4': 'Rules and limits (Q4xxx)',
  '5': 'Plan and internal errors (Q5xxx)',
  '6': 'Risk envelope (Q6xxx), checked when a version is approved',
};

function diagnosticsSection(): string {
  const entries = Object.entries(catalogue) as Array<[string, CatalogueEntry]>;
  const boilerplate = boilerplateLines(entries.map(([, e]) => e.example));
  const out: string[] = [
    '<!-- Generated by scripts/gen-docs.ts from dsl/diagnostics.ts: do not edit by hand; run `npm run gen:docs`. -->',
    '',
    `${entries.length} diagnostics. Each example is a complete file that yields its code (tests/compiler/catalogue.test.ts checks this), shown without the lines it shares with the other examples (\`# …\`); the line under it is what the compiler prints for it, without the \`file:line:col:\` prefix.`,
    '',
    '| Code | Severity | Title |',
    '|---|---|---|',
    ...entries.map(([code, e]) => `| [${code}](#${slug(`${code}: ${e.title}`)}) | ${e.severity} | ${cell(e.title)} |`),
  ];
  let family = '';
  for (const [code, e] of entries) {
    const f = families[code.charAt(1)] ?? 'Other diagnostics';
    if (f !== family) {
      family = f;
      out.push('', `### ${f}`);
    }
    out.push('', `#### ${code}: ${e.title}`, '', `*${e.severity}.* ${e.explanation}`);
    if (e.envelope) out.push('', `Against the envelope \`${JSON.stringify(e.envelope)}\`:`);
    if (e.example.trim() !== '') out.push('', ...exampleBlock(code, e.example, boilerplate, e.envelope));
  }
  return out.join('\n');
}

/** Lines shared by many examples (the strategy around them): hidden unless they matter. */
function boilerplateLines(examples: string[]): Set<string> {
  const used = examples.filter((x) => x.trim() !== '');
  const counts = new Map<string, number>();
  for (const x of used) for (const line of new Set(linesOf(x))) counts.set(line, (counts.get(line) ?? 0) + 1);
  return new Set([...counts].filter(([, n]) => n >= used.length * 0.4).map(([line]) => line));
}

function linesOf(text: string): string[] {
  return text.replace(/\n+$/, '').split('\n').map((l) => l.trimEnd());
}

/**
 * The example with only its interesting lines: those it does not share with the other examples,
 * those a diagnostic of its code points at, the blocks around them, and whole blocks whose opening
 * line is interesting. The message the compiler gives follows.
 */
function exampleBlock(code: string, example: string, boilerplate: Set<string>, envelope?: EnvelopeLimits[]): string[] {
  const lines = linesOf(example);
  const compiled = compile(example, { file: 'example.quoin' });
  const result = envelope && compiled.plan ? { diagnostics: checkEnvelope(compiled.plan, example, envelope) } : compiled;
  // The diagnostic to show: the first on a line of the example's own, else the first (Q4010 also
  // fires on the shared params, which is not what its example is about).
  const hits = result.diagnostics.filter((d) => d.code === code);
  const own = (d: (typeof hits)[number]): boolean => !boilerplate.has(lines[d.range.start.line - 1] ?? '');
  const hit = hits.find(own) ?? hits[0];
  const pointed = new Set<number>();
  if (hit) {
    pointed.add(hit.range.start.line - 1);
    for (const r of hit.related ?? []) pointed.add(r.range.start.line - 1);
  }

  // Block structure: the opening line of each line's enclosing blocks, and each block's closing line.
  const parents: number[][] = [];
  const closer = new Map<number, number>();
  const stack: number[] = [];
  lines.forEach((line, i) => {
    const t = line.trim();
    if (t.startsWith('}')) {
      const open = stack.pop();
      if (open !== undefined) closer.set(open, i);
    }
    parents.push([...stack]);
    if (t.endsWith('{') && !t.startsWith('}')) stack.push(i);
  });

  const keep = new Set<number>([0]);
  const keepBlock = (open: number): void => {
    keep.add(open);
    const close = closer.get(open);
    if (close !== undefined) keep.add(close);
  };
  if (closer.has(0)) keepBlock(0);
  lines.forEach((line, i) => {
    if (line.trim() === '' || (boilerplate.has(line) && !pointed.has(i))) return;
    keep.add(i);
    for (const p of parents[i] ?? []) keepBlock(p);
    const close = closer.get(i);
    if (close !== undefined) for (let k = i; k <= close; k++) keep.add(k);
  });

  // A run of hidden lines becomes one `# …`, indented like the first line it hides.
  const shown: string[] = [];
  let hidden: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!keep.has(i)) {
      if (line.trim() !== '') hidden ??= line;
      continue;
    }
    if (hidden !== undefined) shown.push(`${indentOf(hidden)}# …`);
    hidden = undefined;
    shown.push(shorten(line));
  }
  if (hidden !== undefined) shown.push(`${indentOf(hidden)}# …`);

  const message = hit ? [`\`${hit.severity}: ${hit.message} [${code}]\``] : [];
  if (!hit) process.stderr.write(`gen-docs: the example of ${code} does not yield ${code}; its message is left out\n`);
  return ['```quoin', ...collapseRepeats(shown), '```', ...message];
}

/** Four or more identical lines in a row become two and a count. */
function collapseRepeats(lines: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    const line = lines[i] ?? '';
    let j = i;
    while (j < lines.length && lines[j] === line) j++;
    const run = j - i;
    if (run >= 4) out.push(line, line, `${indentOf(line)}# … ${run - 2} more lines like these`);
    else for (let k = 0; k < run; k++) out.push(line);
    i = j;
  }
  return out;
}

function shorten(line: string): string {
  return line.length <= 100 ? line : `${line.slice(0, 60)} … ${line.slice(-30)}`;
}

function indentOf(line: string): string {
  return /^\s*/.exec(line)?.[0] ?? '';
}

// ---------- markdown helpers ----------

/** Text for a table cell: pipes escaped, no line breaks. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

// ---------- command line ----------

function repoRoot(): string {
  // The script runs from scripts/ (tsx) or dist/scripts/ (compiled): walk up to package.json.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the project root (no package.json above scripts/)');
    dir = up;
  }
  return dir;
}

function main(): void {
  const file = path.join(repoRoot(), 'docs', 'dsl.md');
  const before = readFileSync(file, 'utf8');
  const after = applyDocSections(before);
  if (process.argv.includes('--check')) {
    if (after !== before) {
      process.stderr.write('docs/dsl.md is out of date: run npm run gen:docs\n');
      process.exitCode = 1;
    } else {
      process.stdout.write('docs/dsl.md is up to date\n');
    }
    return;
  }
  if (after === before) {
    process.stdout.write('docs/dsl.md is up to date\n');
    return;
  }
  writeFileSync(file, after);
  process.stdout.write('wrote docs/dsl.md\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
