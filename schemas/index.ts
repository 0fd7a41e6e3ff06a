// The JSON Schemas and their ajv validators, shared by the compiler (every emitted plan), the runtime
// (every loaded plan) and the API (request bodies). Validators compile on first use: commands that
// never validate (a check that finds errors) do not pay for it.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import diagnosticSchema from './diagnostic.schema.json' with { type: 'json' };
import planSchema from './plan.schema.json' with { type: 'json' };
import type { Diagnostic } from './generated/diagnostic.js';
import type { Plan } from './generated/plan.js';

export type { Plan, Diagnostic };

export const schemas = { plan: planSchema, diagnostic: diagnosticSchema } as const;

/** The stress scenarios a rule set can require (the enum of plan.schema.json; runtime/stress implements each). */
export const stressScenarioNames: readonly string[] = planSchema.definitions.StressScenarioName.enum;

// Two validators per schema: a fast one that stops at the first error decides (a valid plan, the
// common case, pays nothing for error collection: with `allErrors` every node of the plan would be
// checked against all nine node kinds of a oneOf and the errors thrown away), and a thorough one,
// compiled only when something fails, lists every problem for the message.
const instances: { fast?: Ajv; full?: Ajv } = {};
const compiled = new Map<string, ValidateFunction>();

function validator<T>(schema: { $id: string }, mode: 'fast' | 'full'): ValidateFunction<T> {
  const key = `${mode} ${schema.$id}`;
  let v = compiled.get(key);
  if (!v) {
    const ajv = (instances[mode] ??= new Ajv({ allErrors: mode === 'full', strict: true, allowUnionTypes: true }));
    if (!ajv.getSchema(schema.$id)) ajv.addSchema(schema);
    v = ajv.getSchema(schema.$id);
    if (!v) throw new Error(`schema ${schema.$id} did not compile`);
    compiled.set(key, v);
  }
  return v as ValidateFunction<T>;
}

function validate<T>(schema: { $id: string }, value: unknown): Validation<T> {
  if (validator<T>(schema, 'fast')(value)) return { ok: true, value: value as T, errors: [] };
  const full = validator<T>(schema, 'full');
  full(value);
  return { ok: false, errors: describeSchemaErrors(full.errors) };
}

export interface Validation<T> {
  ok: boolean;
  value?: T;
  /** One line per problem, naming the JSON path: "/nodes/3/args/0: must be integer". */
  errors: string[];
}

export function validatePlan(value: unknown): Validation<Plan> {
  return validate<Plan>(planSchema, value);
}

export function validateDiagnostic(value: unknown): Validation<Diagnostic> {
  return validate<Diagnostic>(diagnosticSchema, value);
}

export function describeSchemaErrors(errors: ErrorObject[] | null | undefined, limit = 20): string[] {
  if (!errors) return [];
  // oneOf failures repeat once per branch; the most specific path first reads best.
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const e of [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length)) {
    const params = e.params as { additionalProperty?: string; allowedValues?: unknown };
    const extra = e.keyword === 'additionalProperties' ? ` '${String(params.additionalProperty)}'` : e.keyword === 'enum' ? `: ${JSON.stringify(params.allowedValues)}` : '';
    const line = `${e.instancePath || '/'}: ${e.message ?? e.keyword}${extra}`;
    if (!seen.has(line)) {
      seen.add(line);
      lines.push(line);
    }
    if (lines.length >= limit) break;
  }
  return lines;
}
