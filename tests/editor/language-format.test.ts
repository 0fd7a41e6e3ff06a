import { describe, expect, it } from 'vitest';
import { compile } from '../../compiler/program.js';
import { formatQuoin } from '../../editor/src/language/format.js';
import { templates } from '../helpers.js';

const hashOf = (source: string): string | undefined => compile(source, { file: 'f.quoin' }).plan?.hash;

/** Same meaning, ugly layout: no indentation, no spaces around = and after commas, extra spaces before (, tabs. */
function mangle(source: string): string {
  return source
    .split('\n')
    .map((l) => l.trimStart().replace(/ = /g, '=').replace(/, /g, ',').replace(/\(/g, ' ( ').replace(/ \)/g, ')').replace(/ -> /g, '\t->\t'))
    .join('\n');
}

describe('formatter', () => {
  it.each(templates().map((t) => [t.name, t.source]))('leaves the hand-formatted %s as it is, and keeps its plan hash', (_name, source) => {
    const hash = hashOf(source);
    expect(hash).toMatch(/^sha256:/);
    const formatted = formatQuoin(source);
    expect(formatted).toBe(source);
    expect(hashOf(formatted)).toBe(hash);
  });

  it.each(templates().map((t) => [t.name, t.source]))('restores a mangled %s to the same plan hash, idempotently', (_name, source) => {
    const mangled = mangle(source);
    expect(mangled).not.toBe(source);
    expect(hashOf(mangled)).toBe(hashOf(source));
    const formatted = formatQuoin(mangled);
    expect(hashOf(formatted)).toBe(hashOf(source));
    expect(formatQuoin(formatted)).toBe(formatted);
    // Indentation comes back exactly; only the removed spaces inside lines differ.
    const indent = (s: string): number[] => s.split('\n').map((l) => /^ */.exec(l)?.[0].length ?? 0);
    expect(indent(formatted)).toEqual(indent(source));
  });

  it('indents by braces, spaces operators and punctuation, and keeps comments', () => {
    const messy = [
      'strategy "x" version 1{',
      'market m=binance : "BTC/USDT"   # the venue',
      '    params{',
      'gamma=0.5 in[0.01,5]# risk aversion',
      '  s = -1 bps in [ -2 bps , 5 %]',
      '}',
      '# a comment line',
      'signal v=ewm_mean( m.mid ,halflife:60s)*abs (position)',
      '  quote m { bid=m.bid-(0 - 1)*m.tick ; ask = m.ask',
      'size = 0.01 BTC',
      '      }',
      '}',
    ].join('\n');
    expect(formatQuoin(messy)).toBe([
      'strategy "x" version 1 {',
      '  market m = binance:"BTC/USDT"   # the venue',
      '  params {',
      '    gamma = 0.5 in [0.01, 5] # risk aversion',
      '    s = -1 bps in [-2 bps, 5%]',
      '  }',
      '  # a comment line',
      '  signal v = ewm_mean(m.mid, halflife: 60s) * abs(position)',
      '  quote m { bid = m.bid - (0 - 1) * m.tick; ask = m.ask',
      '    size = 0.01 BTC',
      '  }',
      '}',
      '',
    ].join('\n'));
  });

  it('never moves a token to another line (a unit must stay on its number\'s line)', () => {
    const src = 'strategy "x" version 1 {\n  params {\n    a = 5\n    bps = 3\n  }\n}\n';
    const out = formatQuoin(src);
    expect(out.split('\n').map((l) => l.trim())).toEqual(src.split('\n').map((l) => l.trim()));
  });

  it('indents continuation lines one level deeper', () => {
    const src = 'strategy "x" version 1 {\nscenario s when m.spread > 1 bps and\nm.mid > 0 {\npause\n}\nsignal a = m.mid +\nm.bid\nsignal b = m.mid\n* 2\n}\n';
    expect(formatQuoin(src)).toBe('strategy "x" version 1 {\n  scenario s when m.spread > 1 bps and\n    m.mid > 0 {\n    pause\n  }\n  signal a = m.mid +\n    m.bid\n  signal b = m.mid\n    * 2\n}\n');
  });

  it('returns a text with characters outside the language unchanged', () => {
    const src = 'strategy "x" version 1 {\n signal s = m.mid @ 2\n}\n';
    expect(formatQuoin(src)).toBe(src);
  });

  it('formats a file with syntax errors without losing any token', () => {
    const src = 'strategy "x" version 1 {\nquote m {\nbid = m.bid -\nask=m.ask\n';
    const out = formatQuoin(src);
    // `ask = …` starts a new entry even after a dangling operator, as the parser reads it.
    expect(out).toBe('strategy "x" version 1 {\n  quote m {\n    bid = m.bid -\n    ask = m.ask\n');
    expect(formatQuoin(out)).toBe(out);
  });
});
