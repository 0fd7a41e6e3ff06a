// Prints expressions back as canonical source text: one space around binary operators, minimal
// parentheses, units after numbers. Used for param display values in plans (so reformatting a file
// never changes its hash), in messages, and by the editor's formatter.
import type { BinaryOp, Expr } from './ast.js';

const precedence: Record<BinaryOp, number> = {
  or: 1, and: 2,
  '<': 4, '<=': 4, '>': 4, '>=': 4, '==': 4, '!=': 4,
  '+': 5, '-': 5, '*': 6, '/': 6, '^': 8,
};

export function printExpr(e: Expr): string {
  return print(e, 0);
}

function print(e: Expr, outer: number): string {
  switch (e.kind) {
    case 'number':
      if (!e.unit) return e.text;
      return e.unit.name === '%' ? `${e.text}%` : `${e.text} ${e.unit.name}`;
    case 'duration': return e.text;
    case 'bool': return String(e.value);
    case 'string': return JSON.stringify(e.value);
    case 'name': return e.name;
    case 'member': return `${e.object.name}.${e.member.name}`;
    case 'call': {
      const callee = e.callee.kind === 'method' ? `${e.callee.object.name}.${e.callee.member.name}` : e.callee.name.name;
      return `${callee}(${e.args.map((a) => (a.name ? `${a.name.name}: ` : '') + print(a.value, 0)).join(', ')})`;
    }
    case 'unary': {
      const text = e.op === 'not' ? `not ${print(e.operand, 3)}` : `-${print(e.operand, 7)}`;
      return wrap(text, e.op === 'not' ? 3 : 7, outer);
    }
    case 'binary': {
      const p = precedence[e.op];
      // Left-associative except ^; comparisons do not chain.
      const left = print(e.left, e.op === '^' ? p + 1 : p);
      const right = print(e.right, e.op === '^' ? p : p + 1);
      return wrap(`${left} ${e.op} ${right}`, p, outer);
    }
    case 'if': return wrap(`if ${print(e.cond, 0)} then ${print(e.then, 0)} else ${print(e.else, 0)}`, 0, outer === 0 ? 0 : 99);
    case 'event': return `event(${JSON.stringify(e.name)}) within ${print(e.within, 7)}`;
    case 'paren': return print(e.inner, outer);
    case 'error': return '…';
  }
}

function wrap(text: string, own: number, outer: number): string {
  return own < outer ? `(${text})` : text;
}
