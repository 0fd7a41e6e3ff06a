// The shipped rule set templates (rulesets/*.quoin), for the editor's gallery. Read once at start:
// they ship with the code and do not change while it runs.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Template } from '../../../schemas/generated/api.js';
import { requireRole } from '../auth.js';
import type { AppDeps } from '../deps.js';
import { projectRoot } from '../project-root.js';
import { errors, listOf } from '../schemas.js';

/** Title and description from a template's header comment (the `#` lines before the first code). */
export function describeTemplate(id: string, source: string): Template {
  const header: string[] = [];
  for (const line of source.split(/\r?\n/)) {
    if (!line.startsWith('#')) break;
    header.push(line.replace(/^# ?/, ''));
  }
  const [title = id, ...rest] = header;
  return { id, title: title.trim() || id, description: rest.join('\n').trim(), source };
}

export function loadTemplates(dir: string = path.join(projectRoot(), 'rulesets')): Template[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.quoin'))
    .sort()
    .map((f) => describeTemplate(f.slice(0, -'.quoin'.length), readFileSync(path.join(dir, f), 'utf8')));
}

export function templateRoutes(app: FastifyInstance, { store }: AppDeps): void {
  const templates = loadTemplates();
  app.get('/api/templates', { onRequest: requireRole(store), schema: { tags: ['rule sets'], summary: 'The shipped rule set templates (rulesets/*.quoin)', response: { 200: listOf('Template'), ...errors() } } }, async () => templates);
}
