// The web editor's build: a static single-page app in dist/editor, served by the API at `/`.
// monaco-editor is bundled from node_modules (no CDN), so the editor works with no internet.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/editor', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 6000,
    sourcemap: false,
  },
  worker: { format: 'es' },
  // The compile worker runs the real compiler; compiler/hash.ts needs node:crypto (sha256), which
  // this browser file provides (same hash as the server).
  resolve: {
    alias: [
      { find: /^node:crypto$/, replacement: fileURLToPath(new URL('./src/language/shims/node-crypto.ts', import.meta.url)) },
    ],
  },
});
