// Shared test helpers: paths and a compile wrapper that formats diagnostics like the CLI does.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { compile } from '../compiler/program.js';
import { formatDiagnostic } from '../dsl/diagnostics.js';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const rulesetsDir = path.join(root, 'rulesets');

export function templates(): Array<{ name: string; file: string; source: string }> {
  return readdirSync(rulesetsDir)
    .filter((f) => f.endsWith('.quoin'))
    .sort()
    .map((f) => ({ name: f.replace(/\.quoin$/, ''), file: `rulesets/${f}`, source: readFileSync(path.join(rulesetsDir, f), 'utf8') }));
}

/** Compiles and returns the diagnostics as CLI lines, for readable assertions. */
export function diagnosticsOf(source: string, file = 'test.quoin'): string[] {
  return compile(source, { file }).diagnostics.map(formatDiagnostic);
}

/** A minimal valid strategy with `body` inserted after its params. */
export function strategy(body: string, params = 'order_size = 0.01 BTC\n    max_position = 0.5 BTC\n    half = 5 bps'): string {
  return `strategy "t" version 1 {
  market m = binance:"BTC/USDT"
  params {
    ${params}
  }
  quote m {
    bid = m.mid - half * m.mid
    ask = m.mid + half * m.mid
    size = order_size
  }
  risk {
    position abs <= max_position -> reduce_only
  }
${body}
}
`;
}

export function errorsOf(source: string): string[] {
  return compile(source, { file: 'test.quoin' }).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`);
}
