#!/usr/bin/env node
// Bundles the `quoin` command into dist/quoin.mjs. Only chevrotain (and the lodash-es modules it is
// built from) is inlined: loaded as ~400 separate ES modules it costs ~300 ms at every start, inlined
// ~15 ms. Every other package stays an ordinary import from node_modules.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const inlined = /^(chevrotain|@chevrotain\/|lodash-es)/;

await build({
  entryPoints: [`${root}/cli/main.ts`],
  outfile: `${root}/dist/quoin.mjs`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  banner: { js: '#!/usr/bin/env node' },
  plugins: [{
    name: 'inline-only-chevrotain',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => (inlined.test(args.path) ? undefined : { path: args.path, external: true }));
    },
  }],
});

// `npx quoin` runs the bin directly: it must stay executable after every rebuild.
chmodSync(`${root}/dist/quoin.mjs`, 0o755);
