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

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function validator<T>(schema: { $id: string }): ValidateFunction<T> {
  let v = compiled.get(schema.$id);
  if (!v) {
    ajv ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    if (!ajv.getSchema(schema.$id)) ajv.addSchema(schema);
    v = ajv.getSchema(schema.$id);
    if (!v) throw new Error(`schema ${schema.$id} did not compile`);
    compiled.set(schema.$id, v);
  }
  return v as ValidateFunction<T>;
}

export interface Validation<T> {
  ok: boolean;
  value?: T;
  /** One line per problem, naming the JSON path: "/nodes/3/args/0: must be integer". */
  errors: string[];
}

export function validatePlan(value: unknown): Validation<Plan> {
  const v = validator<Plan>(planSchema);
  return v(value) ? { ok: true, value, errors: [] } : { ok: false, errors: describeSchemaErrors(v.errors) };
}

export function validateDiagnostic(value: unknown): Validation<Diagnostic> {
  const v = validator<Diagnostic>(diagnosticSchema);
  return v(value) ? { ok: true, value, errors: [] } : { ok: false, errors: describeSchemaErrors(v.errors) };
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
