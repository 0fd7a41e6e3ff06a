// The Quoin language in Monaco: highlighting from the compiler's lexer, editor behaviour, completion,
// hover, go-to-definition, formatting, and live diagnostics from the real compiler in a Web Worker.
// The logic lives in small pure modules (highlight, completion, navigation, format, diagnostics),
// tested in node; this file only wires them into Monaco.
import type * as monacoApi from 'monaco-editor/editor';
import type { Diagnostic } from '../../../dsl/diagnostics.js';
import type { Plan } from '../../../schemas/index.js';
import { completionsAt, type CompletionKind } from './completion.js';
import { languageConfiguration } from './configuration.js';
import { DiagnosticsScheduler, toMarker, type CompileFn, type CompileRequest, type CompileResponse } from './diagnostics.js';
import { formatQuoin } from './format.js';
import { tokenizeLine } from './highlight.js';
import { definitionAt, hoverAt } from './navigation.js';

type Monaco = typeof monacoApi;

export const QUOIN_LANGUAGE_ID = 'quoin';
export const MARKER_OWNER = 'quoin';

export type { Diagnostic, Plan };
export interface DiagnosticsResult {
  diagnostics: Diagnostic[];
  plan: Plan | null;
  elapsedMs: number;
}

const registered = new WeakSet<object>();

export function registerQuoinLanguage(monaco: Monaco): void {
  if (registered.has(monaco)) return;
  registered.add(monaco);
  const id = QUOIN_LANGUAGE_ID;
  if (!monaco.languages.getLanguages().some((l) => l.id === id)) {
    monaco.languages.register({ id, extensions: ['.quoin'], aliases: ['Quoin', 'quoin'] });
  }
  monaco.languages.setLanguageConfiguration(id, languageConfiguration);

  // Each line is lexed on its own (no Quoin token spans lines), so the state is a constant.
  const state: monacoApi.languages.IState = { clone: () => state, equals: () => true };
  monaco.languages.setTokensProvider(id, {
    getInitialState: () => state,
    tokenize: (line) => ({ tokens: tokenizeLine(line).map((t) => ({ startIndex: t.startIndex, scopes: t.scope })), endState: state }),
  });

  const kinds = monaco.languages.CompletionItemKind;
  const kindOf: Record<CompletionKind, monacoApi.languages.CompletionItemKind> = {
    keyword: kinds.Keyword, function: kinds.Function, field: kinds.Field, value: kinds.Constant, param: kinds.Variable,
    signal: kinds.Variable, market: kinds.Module, binding: kinds.Variable, unit: kinds.Unit, argument: kinds.Property,
  };
  monaco.languages.registerCompletionItemProvider(id, {
    triggerCharacters: ['.', ' ', '('],
    provideCompletionItems: (model, position) => {
      const offset = model.getOffsetAt(position);
      const result = completionsAt(model.getValue(), offset);
      const start = model.getPositionAt(result.replaceStart);
      const range = new monaco.Range(start.lineNumber, start.column, position.lineNumber, position.column);
      return {
        suggestions: result.items.map((item) => ({
          label: item.label,
          kind: kindOf[item.kind],
          insertText: item.insertText,
          ...(item.snippet ? { insertTextRules: monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet } : {}),
          ...(item.detail ? { detail: item.detail } : {}),
          ...(item.documentation ? { documentation: { value: item.documentation } } : {}),
          ...(item.sortText ? { sortText: item.sortText } : {}),
          range,
        })),
      };
    },
  });

  monaco.languages.registerHoverProvider(id, {
    provideHover: (model, position) => {
      const h = hoverAt(model.getValue(), model.getOffsetAt(position));
      if (!h) return null;
      return { range: rangeOf(monaco, model, h.range), contents: [{ value: h.markdown }] };
    },
  });

  monaco.languages.registerDefinitionProvider(id, {
    provideDefinition: (model, position) => {
      const target = definitionAt(model.getValue(), model.getOffsetAt(position));
      return target ? { uri: model.uri, range: rangeOf(monaco, model, target) } : null;
    },
  });

  monaco.languages.registerDocumentFormattingEditProvider(id, {
    provideDocumentFormattingEdits: (model) => {
      const text = model.getValue();
      const formatted = formatQuoin(text);
      return formatted === text ? [] : [{ range: model.getFullModelRange(), text: formatted }];
    },
  });

  // Quick fixes from diagnostics that carry a suggestion ("did you mean base_spread?").
  monaco.languages.registerCodeActionProvider(id, {
    provideCodeActions: (model, _range, context) => {
      const actions: monacoApi.languages.CodeAction[] = [];
      for (const marker of context.markers) {
        const suggestion = suggestions.get(model)?.get(markerKey(marker));
        if (!suggestion) continue;
        actions.push({
          title: `Replace with '${suggestion}'`,
          kind: 'quickfix',
          diagnostics: [marker],
          isPreferred: true,
          edit: { edits: [{ resource: model.uri, versionId: model.getVersionId(), textEdit: { range: marker, text: suggestion } }] },
        });
      }
      return { actions, dispose: () => {} };
    },
  });
}

function rangeOf(monaco: Monaco, model: monacoApi.editor.ITextModel, r: { start: number; end: number }): monacoApi.Range {
  const s = model.getPositionAt(r.start);
  const e = model.getPositionAt(r.end);
  return new monaco.Range(s.lineNumber, s.column, e.lineNumber, e.column);
}

const suggestions = new WeakMap<monacoApi.editor.ITextModel, Map<string, string>>();
const markerKey = (m: monacoApi.IRange & { code?: unknown }): string =>
  `${String(typeof m.code === 'object' && m.code ? (m.code as { value: string }).value : m.code)}@${m.startLineNumber}:${m.startColumn}-${m.endLineNumber}:${m.endColumn}`;

// One compile worker for the page, shared by every editor; requests are matched to answers by id.
let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, (r: CompileResponse) => void>();

const compileInWorker: CompileFn = (source, file) => {
  worker ??= createWorker();
  const id = nextId++;
  const w = worker;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    w.postMessage({ id, source, file } satisfies CompileRequest);
  });
};

function createWorker(): Worker {
  const w = new Worker(new URL('./compile.worker.ts', import.meta.url), { type: 'module', name: 'quoin-compile' });
  w.onmessage = (event: MessageEvent<CompileResponse>): void => {
    const resolve = pending.get(event.data.id);
    pending.delete(event.data.id);
    resolve?.(event.data);
  };
  return w;
}

export function attachDiagnostics(
  monaco: Monaco,
  editor: monacoApi.editor.IStandaloneCodeEditor,
  options: { file?: string; delayMs?: number; onResult?: (r: DiagnosticsResult) => void } = {},
): { dispose(): void; flush(): Promise<void> } {
  let model = editor.getModel();
  const file = options.file ?? model?.uri.path.split('/').pop() ?? '<editor>';
  const scheduler = new DiagnosticsScheduler({
    compile: compileInWorker,
    text: () => model?.getValue() ?? '',
    file,
    delayMs: options.delayMs ?? 150,
    apply: (result) => {
      if (model && !model.isDisposed()) {
        const m = model;
        const markers = result.diagnostics.map((d) => toMarker(d, (line) => (line >= 1 && line <= m.getLineCount() ? m.getLineMaxColumn(line) - 1 : 0)));
        const fixes = new Map<string, string>();
        result.diagnostics.forEach((d, i) => {
          const mk = markers[i];
          if (d.suggestion !== undefined && mk) fixes.set(markerKey(mk), d.suggestion);
        });
        suggestions.set(m, fixes);
        monaco.editor.setModelMarkers(m, MARKER_OWNER, markers.map((mk) => ({
          ...mk,
          relatedInformation: mk.relatedInformation?.map((r) => ({ ...r, resource: m.uri })),
        })));
      }
      options.onResult?.(result);
    },
  });
  const subscriptions = [
    editor.onDidChangeModelContent(() => scheduler.changed()),
    editor.onDidChangeModel(() => {
      if (model && !model.isDisposed()) monaco.editor.setModelMarkers(model, MARKER_OWNER, []);
      model = editor.getModel();
      scheduler.changed();
    }),
  ];
  scheduler.changed();
  return {
    flush: () => scheduler.flush(),
    dispose: () => {
      scheduler.dispose();
      for (const s of subscriptions) s.dispose();
      if (model && !model.isDisposed()) monaco.editor.setModelMarkers(model, MARKER_OWNER, []);
    },
  };
}
