// DepthDiffs: the diff-depth events the venue streams, against a book it reads.
import { describe, expect, it } from 'vitest';
import { DenseL2Book } from '../../runtime/book/dense-l2-book.js';
import { Side } from '../../runtime/events.js';
import { DepthDiffs } from '../../venue/depth-diffs.js';

describe('DepthDiffs', () => {
  function setup(): { book: DenseL2Book; diffs: DepthDiffs } {
    const book = new DenseL2Book(0.01);
    book.set(Side.Bid, 100, 1);
    book.set(Side.Bid, 99, 2);
    book.set(Side.Ask, 101, 3);
    return { book, diffs: new DepthDiffs(() => book, 1, 10) };
  }

  it('sends the touched levels at their quantity now, with contiguous U/u; nothing when untouched', () => {
    const { book, diffs } = setup();
    expect(diffs.drain(0, 10)).toBeUndefined();
    book.set(Side.Bid, 100, 5);
    diffs.touch(0, Side.Bid, 100);
    book.set(Side.Ask, 102, 1);
    diffs.touch(0, Side.Ask, 102);
    // Touched and changed back within the interval: still sent (a snapshot taken in between saw it).
    book.set(Side.Ask, 101, 0);
    diffs.touch(0, Side.Ask, 101);
    book.set(Side.Ask, 101, 3);
    diffs.touch(0, Side.Ask, 101);
    expect(diffs.drain(0, 14)).toEqual({ firstUpdateId: 11, lastUpdateId: 14, bids: [[100, 5]], asks: [[102, 1], [101, 3]] });
    book.set(Side.Bid, 99, 0);
    diffs.touch(0, Side.Bid, 99);
    expect(diffs.drain(0, 20)).toEqual({ firstUpdateId: 15, lastUpdateId: 20, bids: [[99, 0]], asks: [] });
  });

  it('after a clear, removes every level subscribers hold and sends the whole new book', () => {
    const { book, diffs } = setup();
    book.clear();
    book.set(Side.Bid, 98, 4);
    book.set(Side.Ask, 101, 1);
    diffs.cleared(0);
    const d = diffs.drain(0, 12);
    expect(d?.firstUpdateId).toBe(11);
    expect(new Map(d?.bids)).toEqual(new Map([[100, 0], [99, 0], [98, 4]]));
    expect(new Map(d?.asks)).toEqual(new Map([[101, 1]]));
    // What was removed is forgotten: a later clear does not send it again.
    book.clear();
    diffs.clearedAll();
    expect(new Map(diffs.drain(0, 13)?.bids)).toEqual(new Map([[98, 0]]));
  });
});
