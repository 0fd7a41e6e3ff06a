// The compile worker: the real compiler off the editor's thread. Receives CompileRequest messages,
// answers CompileResponse messages.
import { runCompile, warmUpSource } from './compile-service.js';
import type { CompileRequest } from './diagnostics.js';

runCompile({ id: -1, source: warmUpSource, file: 'warm-up.quoin' });

self.onmessage = (event: MessageEvent<CompileRequest>): void => {
  self.postMessage(runCompile(event.data));
};
