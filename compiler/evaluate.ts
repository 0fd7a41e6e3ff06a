// Compile-time evaluation of expressions made of literals and params: constant folding (for
// windows, intervals, bounds and overrides) and interval arithmetic (for the worst case a risk
// limit can reach under every scenario override and adaptation, which is what a risk manager
// approves). Anything that reads market data is "not constant" and yields undefined.
import type * as A from '../dsl/ast.js';
import type { Resolution } from './checker.js';

export interface EvalContext {
  resolutions: ReadonlyMap<A.Expr, Resolution>;
  literals: ReadonlyMap<A.Expr, number>;
}

export type ConstValue = number | boolean;

export function constValue(e: A.Expr, ctx: EvalContext, param: (name: string) => ConstValue | undefined): ConstValue | undefined {
  const num = (x: A.Expr): number | undefined => {
    const v = constValue(x, ctx, param);
    return typeof v === 'number' ? v : undefined;
  };
  switch (e.kind) {
    case 'number': return ctx.literals.get(e) ?? e.value;
    case 'duration': return e.seconds;
    case 'bool': return e.value;
    case 'paren': return constValue(e.inner, ctx, param);
    case 'name': {
      const r = ctx.resolutions.get(e);
      return r?.kind === 'param' ? param(r.name) : undefined;
    }
    case 'unary': {
      const v = constValue(e.operand, ctx, param);
      if (e.op === '-') return typeof v === 'number' ? -v : undefined;
      return typeof v === 'boolean' ? !v : undefined;
    }
    case 'if': {
      const c = constValue(e.cond, ctx, param);
      if (typeof c !== 'boolean') return undefined;
      return constValue(c ? e.then : e.else, ctx, param);
    }
    case 'binary': {
      if (e.op === 'and' || e.op === 'or') {
        const a = constValue(e.left, ctx, param);
        const b = constValue(e.right, ctx, param);
        if (typeof a !== 'boolean' || typeof b !== 'boolean') return undefined;
        return e.op === 'and' ? a && b : a || b;
      }
      const a = num(e.left);
      const b = num(e.right);
      if (a === undefined || b === undefined) return undefined;
      switch (e.op) {
        case '+': return a + b;
        case '-': return a - b;
        case '*': return a * b;
        case '/': return b === 0 ? undefined : a / b;
        case '^': return a ** b;
        case '<': return a < b;
        case '<=': return a <= b;
        case '>': return a > b;
        case '>=': return a >= b;
        case '==': return a === b;
        case '!=': return a !== b;
      }
      return undefined;
    }
    case 'call': {
      if (e.callee.kind !== 'function') return undefined;
      const r = ctx.resolutions.get(e);
      if (r?.kind !== 'builtin' || r.spec.lower.to !== 'op') return undefined;
      const args = e.args.map((a) => num(a.value));
      if (args.some((a) => a === undefined)) return undefined;
      const xs = args as number[];
      switch (r.spec.lower.op) {
        case 'abs': return Math.abs(xs[0] ?? 0);
        case 'ln': return (xs[0] ?? 0) > 0 ? Math.log(xs[0] ?? 0) : undefined;
        case 'exp': return Math.exp(xs[0] ?? 0);
        case 'sqrt': return (xs[0] ?? -1) >= 0 ? Math.sqrt(xs[0] ?? 0) : undefined;
        case 'min': return Math.min(...xs);
        case 'max': return Math.max(...xs);
        case 'clamp': return Math.min(Math.max(xs[0] ?? 0, xs[1] ?? 0), xs[2] ?? 0);
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The params an expression depends on, or undefined when it reads market data or state. */
export function paramDependencies(e: A.Expr, ctx: EvalContext): Set<string> | undefined {
  const deps = new Set<string>();
  const walk = (x: A.Expr): boolean => {
    switch (x.kind) {
      case 'number': case 'duration': case 'bool': return true;
      case 'paren': return walk(x.inner);
      case 'name': {
        const r = ctx.resolutions.get(x);
        if (r?.kind !== 'param') return false;
        deps.add(r.name);
        return true;
      }
      case 'unary': return walk(x.operand);
      case 'binary': return walk(x.left) && walk(x.right);
      case 'if': return walk(x.cond) && walk(x.then) && walk(x.else);
      case 'call': {
        const r = ctx.resolutions.get(x);
        return r?.kind === 'builtin' && r.spec.lower.to === 'op' && x.args.every((a) => walk(a.value));
      }
      default: return false;
    }
  };
  return walk(e) ? deps : undefined;
}

export type Interval = readonly [lo: number, hi: number];

/**
 * Bounds of an expression's value when each param may take any value in its interval.
 * Sound for the operators used in limits (+ − × ÷ min max abs clamp, monotone functions).
 */
export function interval(e: A.Expr, ctx: EvalContext, param: (name: string) => Interval | undefined): Interval | undefined {
  const iv = (x: A.Expr): Interval | undefined => interval(x, ctx, param);
  switch (e.kind) {
    case 'number': { const v = ctx.literals.get(e) ?? e.value; return [v, v]; }
    case 'duration': return [e.seconds, e.seconds];
    case 'paren': return iv(e.inner);
    case 'name': {
      const r = ctx.resolutions.get(e);
      return r?.kind === 'param' ? param(r.name) : undefined;
    }
    case 'if': {
      // Either branch may apply: the hull of both.
      const a = iv(e.then);
      const b = iv(e.else);
      return a && b ? [Math.min(a[0], b[0]), Math.max(a[1], b[1])] : undefined;
    }
    case 'unary': {
      if (e.op !== '-') return undefined;
      const a = iv(e.operand);
      return a ? [-a[1], -a[0]] : undefined;
    }
    case 'binary': {
      const a = iv(e.left);
      const b = iv(e.right);
      if (!a || !b) return undefined;
      switch (e.op) {
        case '+': return [a[0] + b[0], a[1] + b[1]];
        case '-': return [a[0] - b[1], a[1] - b[0]];
        case '*': return hull([a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]]);
        case '/':
          if (b[0] <= 0 && b[1] >= 0) return undefined;
          return hull([a[0] / b[0], a[0] / b[1], a[1] / b[0], a[1] / b[1]]);
        case '^':
          if (b[0] !== b[1] || a[0] < 0) return undefined;
          return hull([a[0] ** b[0], a[1] ** b[0]]);
        default: return undefined;
      }
    }
    case 'call': {
      const r = ctx.resolutions.get(e);
      if (r?.kind !== 'builtin' || r.spec.lower.to !== 'op') return undefined;
      const args = e.args.map((a) => iv(a.value));
      if (args.some((a) => a === undefined)) return undefined;
      const xs = args as Interval[];
      const [x, lo, hi] = xs;
      switch (r.spec.lower.op) {
        case 'abs':
          if (!x) return undefined;
          return x[0] >= 0 ? x : x[1] <= 0 ? [-x[1], -x[0]] : [0, Math.max(-x[0], x[1])];
        case 'min': return [Math.min(...xs.map((i) => i[0])), Math.min(...xs.map((i) => i[1]))];
        case 'max': return [Math.max(...xs.map((i) => i[0])), Math.max(...xs.map((i) => i[1]))];
        case 'clamp':
          if (!x || !lo || !hi) return undefined;
          return [Math.min(Math.max(x[0], lo[0]), hi[0]), Math.min(Math.max(x[1], lo[1]), hi[1])];
        case 'sqrt': return x && x[0] >= 0 ? [Math.sqrt(x[0]), Math.sqrt(x[1])] : undefined;
        case 'exp': return x ? [Math.exp(x[0]), Math.exp(x[1])] : undefined;
        case 'ln': return x && x[0] > 0 ? [Math.log(x[0]), Math.log(x[1])] : undefined;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function hull(xs: number[]): Interval {
  return [Math.min(...xs), Math.max(...xs)];
}
