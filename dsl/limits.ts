// Size limits that keep every phase safe on hostile input: recursion depth, chain length, file size.
export const limits = {
  /** Bracket nesting deeper than this is refused before parsing (recursion would exhaust the stack). */
  maxNesting: 64,
  /** Longest run of prefix operators (- - - x) or power chains (a ^ b ^ c …). */
  maxOperatorRun: 64,
  /** Operators in one left-associative chain (a + b + c …): deeper trees would exhaust later phases' stacks. */
  maxChainLength: 500,
  maxSourceChars: 4 * 1024 * 1024,
  maxDiagnostics: 100,
} as const;
