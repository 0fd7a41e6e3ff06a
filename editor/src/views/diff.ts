// Side-by-side diff of two sources in Monaco's diff editor, in a dialog (history) or inline
// (approval queue).
import { h } from '../dom.js';
import { QUOIN_LANGUAGE_ID } from '../language/index.js';
import { monaco } from '../monaco.js';

export function diffEditor(host: HTMLElement, original: string, modified: string): { dispose(): void } {
  const a = monaco.editor.createModel(original, QUOIN_LANGUAGE_ID);
  const b = monaco.editor.createModel(modified, QUOIN_LANGUAGE_ID);
  const editor = monaco.editor.createDiffEditor(host, { readOnly: true, automaticLayout: true, renderSideBySide: true, minimap: { enabled: false }, scrollBeyondLastLine: false, originalEditable: false });
  editor.setModel({ original: a, modified: b });
  return {
    dispose() {
      editor.dispose();
      a.dispose();
      b.dispose();
    },
  };
}

export function showDiff(title: string, original: string, modified: string): void {
  const host = h('div', { class: 'diff', 'data-testid': 'diff' });
  const dialog = h('dialog', { class: 'modal' }, h('div', { class: 'toolbar' }, h('b', {}, title), h('span', { class: 'spacer' }), h('button', { onclick: () => dialog.close() }, 'Close')), host);
  document.body.append(dialog);
  dialog.showModal();
  const d = diffEditor(host, original, modified);
  dialog.addEventListener('close', () => {
    d.dispose();
    dialog.remove();
  });
}
