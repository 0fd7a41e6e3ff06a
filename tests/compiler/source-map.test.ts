// The source map points each plan node and item back at the DSL text it came from, so the editor
// and `explain` can show the line that made a quote.
import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/program.js';
import type { Plan } from '../../schemas/index.js';
import { templates } from '../helpers.js';

function textAt(source: string, range: [number, number, number, number]): string {
  const lines = source.split('\n');
  const [l1, c1, l2, c2] = range;
  if (l1 === l2) return (lines[l1 - 1] ?? '').slice(c1 - 1, c2);
  return [(lines[l1 - 1] ?? '').slice(c1 - 1), ...lines.slice(l1, l2 - 1), (lines[l2 - 1] ?? '').slice(0, c2)].join('\n');
}

describe('source map', () => {
  const t = templates().find((x) => x.name === 'avellaneda-stoikov');
  const source = t?.source ?? '';
  const plan = compile(source, { file: t?.file ?? '' }).plan as Plan;

  it('maps quote bindings, bid and ask to their expressions', () => {
    const q = plan.quotes[0];
    if (!q) throw new Error('no quote');
    const at = (node: number): string => textAt(source, plan.sourceMap.nodes[node] as [number, number, number, number]);
    expect(at(q.bid)).toBe('reservation - half');
    expect(at(q.ask)).toBe('reservation + half');
    const reservation = q.bindings.find((b) => b.name === 'reservation');
    expect(at(reservation?.node ?? -1)).toBe('fair * (1 - q * gamma * variance * horizon)');
  });

  it('maps items to their declarations', () => {
    expect(textAt(source, plan.sourceMap.items['risk/0'] as [number, number, number, number])).toBe('position abs <= max_position   -> reduce_only');
    expect(textAt(source, plan.sourceMap.items['params/gamma'] as [number, number, number, number])).toMatch(/^gamma\s+= 0\.5\s+in \[0\.01, 5\]$/);
  });

  it('gives every node of every template a range inside its file', () => {
    for (const tt of templates()) {
      const p = compile(tt.source, { file: tt.file }).plan as Plan;
      const lineCount = tt.source.split('\n').length;
      for (const [l1, c1, l2, c2] of p.sourceMap.nodes) {
        expect(l1).toBeGreaterThanOrEqual(1);
        expect(l2).toBeGreaterThanOrEqual(l1);
        expect(l2).toBeLessThanOrEqual(lineCount);
        if (l1 === l2) expect(c2).toBeGreaterThanOrEqual(c1);
      }
    }
  });
});
