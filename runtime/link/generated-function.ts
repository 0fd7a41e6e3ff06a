// One function object per distinct generated source. The plan evaluator (link.ts) and the risk
// gate's checks (risk/risk-gate.ts) are generated as source and turned into functions; each
// `new Function` gives a new closure, and a call site that has seen several closures of what is in
// fact the same code is polymorphic to V8: it stops inlining them, and the engine's hot path runs
// ~12 % slower from the second engine a process makes on (a sweep's points, paper instances,
// a benchmark's repeated runs). Handing out the closure made the first time keeps those call sites
// monomorphic. Sharing is safe because generated code holds no state: everything it reads and
// writes comes in as arguments.
//
// The cache is bounded: each distinct source is a distinct plan (or rule set), and a long-running
// server can see many; past the bound the oldest is dropped (its users keep their reference).

const MAX_ENTRIES = 512;
const made = new Map<string, (...args: never[]) => unknown>();

/** `new Function(...params, body)`, the same object for the same parameters and body. */
export function generatedFunction<F extends (...args: never[]) => unknown>(params: readonly string[], body: string): F {
  const key = `${params.join(',')}\n${body}`;
  const hit = made.get(key);
  if (hit) return hit as F;
  const fn = new Function(...params, body) as F;
  if (made.size >= MAX_ENTRIES) {
    const oldest = made.keys().next();
    if (!oldest.done) made.delete(oldest.value);
  }
  made.set(key, fn);
  return fn;
}
