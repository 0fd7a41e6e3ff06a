// Hover and go-to-definition: text + offset → markdown or a declaration range. Names resolve the
// way the checker resolves them: a binding of the enclosing quote block, then params, signals and
// market aliases; `m.field` is a market field and `f(…)` a built-in function.
import type { IToken } from 'chevrotain';
import * as T from '../../../dsl/tokens.js';
import { builtins } from '../../../compiler/builtins.js';
import { analyse, isNameToken, resolveName, tokenIndexAt, type Analysis, type OffsetRange, type SymbolInfo } from './analysis.js';
import { builtinMarkdown, findBuiltin } from './builtin-docs.js';

export interface HoverResult {
  range: OffsetRange;
  markdown: string;
}

/** The name token under the cursor; a cursor right after a word (before `(`, `.`…) counts as on it. */
function nameAt(a: Analysis, offset: number): { index: number; token: IToken } | undefined {
  for (const probe of [offset, offset - 1]) {
    const i = tokenIndexAt(a.tokens, probe);
    const t = a.tokens[i];
    if (i >= 0 && isNameToken(t)) return { index: i, token: t };
  }
  return undefined;
}

const tokenRange = (t: IToken): OffsetRange => ({ start: t.startOffset, end: t.startOffset + t.image.length });

export function hoverAt(text: string, offset: number): HoverResult | undefined {
  const a = analyse(text);
  const at = nameAt(a, offset);
  if (!at) return undefined;
  const { index, token } = at;
  const range = tokenRange(token);
  const prev = a.tokens[index - 1];
  const next = a.tokens[index + 1];

  if (prev?.tokenType === T.Dot) {
    const spec = findBuiltin(token.image, 'member');
    if (!spec) return undefined;
    const owner = a.tokens[index - 2];
    const market = owner ? a.markets.get(owner.image) : undefined;
    const where = market ? `\n\nOn \`${market.name}\` (${market.venue}:"${market.symbol}")${market.quote && market.base ? `: prices in ${market.quote} per ${market.base}, quantities in ${market.base}` : ''}.` : '';
    return { range, markdown: builtinMarkdown(spec) + where };
  }
  const symbol = resolveName(a, token.image, token.startOffset);
  if (symbol) return { range, markdown: symbolMarkdown(symbol) };
  const spec = next?.tokenType === T.LParen ? findBuiltin(token.image, 'function') : findBuiltin(token.image, 'value') ?? findBuiltin(token.image, 'function');
  if (spec) return { range, markdown: builtinMarkdown(spec) };
  return undefined;
}

export function symbolMarkdown(s: SymbolInfo): string {
  const code = (line: string): string => ['```quoin', line, '```'].join('\n');
  switch (s.kind) {
    case 'param': {
      const parts = [code(`param ${s.name} = ${s.valueText}${s.boundsText ? ` in ${s.boundsText}` : ''}`)];
      parts.push(`Unit: ${s.unit ?? 'unknown'}${s.boundsText ? `; approved range ${s.boundsText}` : '; no bounds (scenarios and adapt rules cannot move it)'}.`);
      if (s.comment) parts.push(s.comment);
      return parts.join('\n\n');
    }
    case 'signal': {
      const parts = [code(`signal ${s.name} = ${s.valueText}`)];
      if (s.unit) parts.push(`Unit: ${s.unit}.`);
      if (s.comment) parts.push(s.comment);
      return parts.join('\n\n');
    }
    case 'binding':
      return [code(`${s.name} = ${s.valueText}`), `Quote binding of \`quote ${s.market}\`${s.unit ? `; ${s.unit}` : ''}.`].join('\n\n');
    case 'market': {
      const facts = [
        s.base && s.quote ? `base ${s.base}, quote ${s.quote}${s.settle ? `, settled in ${s.settle}` : ''}` : '',
        s.tickSize !== undefined ? `tick ${s.tickSize}` : '',
        s.lotSize !== undefined ? `lot ${s.lotSize}` : '',
      ].filter(Boolean);
      return [code(`market ${s.name} = ${s.venue}:"${s.symbol}"`), facts.length ? `${facts.join('; ')}.` : 'Not in the market catalogue: give tick and lot.'].join('\n\n');
    }
    case 'scenario':
      return code(`scenario ${s.name}`);
  }
}

/** Where the name under the cursor is declared, or undefined (built-ins and keywords have no declaration in the file). */
export function definitionAt(text: string, offset: number): OffsetRange | undefined {
  const a = analyse(text);
  const at = nameAt(a, offset);
  if (!at) return undefined;
  if (a.tokens[at.index - 1]?.tokenType === T.Dot) return undefined;
  return resolveName(a, at.token.image, at.token.startOffset)?.nameRange;
}

/** All built-in names, for tests and completion. */
export const builtinNames: readonly string[] = [...new Set(builtins.map((b) => b.name))];
