// Browser stand-in for `node:module`, aliased in editor/vite.config.ts: compiler/hash.ts loads the
// CommonJS `canonicalize` package with createRequire; in the bundle it is an ordinary import.
import canonicalize from 'canonicalize';

const modules: Record<string, unknown> = { canonicalize };

export function createRequire(_from: string | URL): (id: string) => unknown {
  return (id: string) => {
    if (!(id in modules)) throw new Error(`require('${id}') is not available in the browser`);
    return modules[id];
  };
}
