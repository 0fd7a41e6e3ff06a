// Editor behaviour for Quoin text: `#` comments, bracket pairs, and indentation by braces (every
// block of the language — strategy, params, quote, risk, scenario bodies — is a `{ … }` block).
// Plain data so that it is testable without Monaco; index.ts passes it to setLanguageConfiguration.
import { tokenClasses } from '../../../dsl/tokens.js';

export const languageConfiguration = {
  comments: { lineComment: '#' },
  brackets: [['{', '}'], ['[', ']'], ['(', ')']] as Array<[string, string]>,
  autoClosingPairs: [
    { open: '{', close: '}' },
    { open: '[', close: ']' },
    { open: '(', close: ')' },
    { open: '"', close: '"', notIn: ['string', 'comment'] },
  ],
  surroundingPairs: [
    { open: '{', close: '}' },
    { open: '[', close: ']' },
    { open: '(', close: ')' },
    { open: '"', close: '"' },
  ],
  indentationRules: {
    // A line whose last `{`, `[` or `(` is still open (a trailing comment allowed) indents the next.
    increaseIndentPattern: /^.*[{[(][^}\])"#]*(#.*)?$/,
    decreaseIndentPattern: /^\s*[}\])]/,
  },
  // Words as the lexer sees them (identifiers, including `min_interval`), for double-click and completion.
  wordPattern: new RegExp(`(\\d+(?:\\.\\d+)?[A-Za-z]*)|(${tokenClasses.identifierPattern.source})`),
};
