// Monaco, bundled from node_modules: the core editor API plus every editor feature (find, suggest,
// hover, go-to-definition, format, diff editor…) but none of the bundled languages, which Quoin
// does not need. The one worker Monaco itself needs is the generic editor worker.
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/register.all';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';

self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

export { monaco };
export type Monaco = typeof monaco;
