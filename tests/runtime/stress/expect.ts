// Shared checks of the stress tests: invariants and crossing (checkBatch), inputs left alone,
// determinism, and the shifts a book-view transform must show (computed here from the documented
// formulas, independently of the transform's code).
import { expect } from 'vitest';
import { EventFlag, type EventBatch } from '../../../runtime/events.js';
import { checkBatch } from '../../../runtime/stress/invariants.js';
import { sampleBook } from '../../../runtime/stress/measure.js';
import { columnsDiffer, copyColumns, type ViewSample } from './verify.js';

/** Runs a transform and checks what every transform owes: a valid, uncrossed, new batch; input untouched; same output twice. */
export function runChecked(input: EventBatch, transform: (b: EventBatch) => EventBatch): EventBatch {
  const before = copyColumns(input);
  const inputCheck = checkBatch(input);
  const out = transform(input);
  // (Identity compared as booleans: expect(big).not.toBe(other) deep-compares to word its message, which takes seconds.)
  expect(out === input || out.kind === input.kind || out.markets === input.markets).toBe(false);
  expect(columnsDiffer(copyColumns(input), before)).toBe('');
  const check = checkBatch(out);
  expect(check.violations).toEqual([]);
  if (inputCheck.crossedMessageEnds === 0) expect(check.crossedMessageEnds).toBe(0);
  expect(check.levelUnderflows).toBeLessThanOrEqual(inputCheck.levelUnderflows);
  expect(columnsDiffer(copyColumns(transform(input)), copyColumns(out))).toBe('');
  return out;
}

export interface Shift {
  bid: number;
  ask: number;
}

/**
 * The shift in force at every message end of market m, by input line: `at` is called at the end of
 * each input message that changed m's book (in order) with its time and the original touch, and
 * returns the shift from then on; messages that did not change the book keep the last one.
 */
export function expectedShifts(input: EventBatch, m: number, at: (t: number, bid: number, ask: number, current: Shift) => Shift): Map<number, Shift> {
  const s = sampleBook(input, m);
  const byLine = new Map<number, Shift>();
  let cur: Shift = { bid: 0, ask: 0 };
  for (let k = 0; k < s.n; k++) {
    cur = at(s.t[k] ?? 0, s.bid[k] ?? NaN, s.ask[k] ?? NaN, cur);
    byLine.set(s.line[k] ?? 0, cur);
  }
  return byLine;
}

/**
 * Checks every sample against the expected shifts (carried forward over messages that did not
 * change the book). A view changes only at the end of a book message, so compare with
 * `bookMessagesOnly` when the view's depth or size scale is given as a function of time.
 */
export function expectShifts(samples: ViewSample[], expected: Map<number, Shift>): void {
  let cur: Shift = { bid: 0, ask: 0 };
  let checked = 0;
  for (const s of samples) {
    const e = expected.get(s.line);
    if (e) cur = e;
    if (!(s.origBid === s.origBid) || !(s.origAsk === s.origAsk)) continue;
    expect(s.mismatch, `line ${s.line} at ${s.t}`).toBe('');
    // (+ 0 turns -0 into 0: a shift of -0 ticks is no shift.)
    expect({ line: s.line, bid: s.bidShift + 0, ask: s.askShift + 0 }).toEqual({ line: s.line, bid: cur.bid + 0, ask: cur.ask + 0 });
    checked++;
  }
  expect(checked).toBeGreaterThan(0);
}

/** Indices of output rows that end a message. */
export function messageEnds(b: EventBatch): number[] {
  const out: number[] = [];
  for (let i = 0; i < b.length; i++) if (((b.flags[i] ?? 0) & EventFlag.EndOfMessage) !== 0) out.push(i);
  return out;
}
