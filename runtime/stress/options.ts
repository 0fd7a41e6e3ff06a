// Option tables: one per transform, the single source for validating options passed in code, parsing
// them from text (`gap:pct=-5,at=0.5`) and documenting them. Unknown options are errors, never
// silently ignored.
import { distance } from 'fastest-levenshtein';
import { StressError } from './errors.js';

export type OptionSpec =
  | {
      kind: 'number';
      doc: string;
      /** What the default is, in words (defaults may depend on the batch). */
      defaultText: string;
      min?: number;
      max?: number;
      /** `min` itself is not allowed (a strict lower bound). */
      minExclusive?: boolean;
      integer?: boolean;
      /** Infinity is allowed (written `Infinity` in text). */
      infinite?: boolean;
      required?: boolean;
    }
  | { kind: 'enum'; doc: string; defaultText: string; values: readonly string[] };

export type OptionSchema = Readonly<Record<string, OptionSpec>>;

/** The options every timed transform shares: when it starts. */
export const atOptions = {
  at: { kind: 'number', min: 0, max: 1, doc: 'start, as a fraction of the batch time span (0 = first row, 1 = last row)', defaultText: 'see the transform' },
  atS: { kind: 'number', min: 0, doc: 'start, in seconds after the first row (instead of `at`)', defaultText: 'unset' },
} as const satisfies OptionSchema;

export const marketOption = {
  market: { kind: 'number', min: 0, integer: true, doc: "feed market index (the batch's `markets[market]`) to transform", defaultText: 'every market' },
} as const satisfies OptionSchema;

export function optionNames(schema: OptionSchema): string[] {
  return Object.keys(schema);
}

/** Throws a StressError naming the first bad option; `undefined` values count as absent. */
export function validateOptions(transform: string, schema: OptionSchema, options: object): void {
  for (const [name, spec] of Object.entries(schema)) {
    if (spec.kind === 'number' && spec.required && (options as Record<string, unknown>)[name] === undefined) {
      throw new StressError(`${transform}: option ${name} is required (${describe(spec)})`);
    }
  }
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const spec = schema[name];
    if (!spec) throw new StressError(unknownOptionMessage(transform, name, schema));
    checkValue(transform, name, spec, value);
  }
}

export function unknownOptionMessage(transform: string, name: string, schema: OptionSchema): string {
  const names = optionNames(schema);
  const close = names.filter((n) => distance(n.toLowerCase(), name.toLowerCase()) <= Math.max(1, Math.floor(n.length / 3)));
  const hint = close.length > 0 ? ` (did you mean ${close.map((n) => `"${n}"`).join(' or ')}?)` : '';
  return `${transform}: unknown option "${name}"${hint}; ${transform} takes ${names.join(', ')}`;
}

/** Parses one option value written as text, with the same checks as validateOptions. */
export function parseOptionValue(transform: string, name: string, schema: OptionSchema, text: string): number | string {
  const spec = schema[name];
  if (!spec) throw new StressError(unknownOptionMessage(transform, name, schema));
  const t = text.trim();
  if (spec.kind === 'enum') {
    checkValue(transform, name, spec, t);
    return t;
  }
  const n = t === '' ? NaN : Number(t);
  if (Number.isNaN(n)) throw new StressError(`${transform}: option ${name}="${text}" is not a number (${describe(spec)})`);
  checkValue(transform, name, spec, n);
  return n;
}

function checkValue(transform: string, name: string, spec: OptionSpec, value: unknown): void {
  const bad = (why: string): never => {
    throw new StressError(`${transform}: option ${name}=${String(value)} ${why} (${describe(spec)})`);
  };
  if (spec.kind === 'enum') {
    if (typeof value !== 'string' || !spec.values.includes(value)) throw new StressError(`${transform}: option ${name}=${String(value)} is not one of ${spec.values.join(', ')} (${spec.doc})`);
    return;
  }
  if (typeof value !== 'number' || Number.isNaN(value)) return bad('is not a number');
  if (!Number.isFinite(value) && !spec.infinite) bad('must be finite');
  if (spec.integer && Number.isFinite(value) && !Number.isInteger(value)) bad('must be a whole number');
  if (spec.min !== undefined && (spec.minExclusive ? !(value > spec.min) : !(value >= spec.min))) bad(`must be ${spec.minExclusive ? '>' : '>='} ${spec.min}`);
  if (spec.max !== undefined && !(value <= spec.max)) bad(`must be <= ${spec.max}`);
}

function describe(spec: OptionSpec): string {
  if (spec.kind === 'enum') return `one of ${spec.values.join(', ')}`;
  const range: string[] = [];
  if (spec.min !== undefined) range.push(`${spec.minExclusive ? '>' : '>='} ${spec.min}`);
  if (spec.max !== undefined) range.push(`<= ${spec.max}`);
  return `${spec.integer ? 'a whole number' : 'a number'}${range.length > 0 ? ` ${range.join(' and ')}` : ''}: ${spec.doc}`;
}
