import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { L3Book, L3Result } from '../../../runtime/book/l3-book.js';
import { BookReplayer } from '../../../runtime/book/replay.js';
import { EventFlag, EventKind, Side, allocateBatch, type SideValue } from '../../../runtime/events.js';

const { Bid, Ask } = Side;

describe('L3Book', () => {
  it('aggregates orders into the L2 view', () => {
    const b = new L3Book();
    expect(b.add(1, Bid, 100, 5)).toBe(L3Result.Ok);
    b.add(2, Bid, 100, 3);
    b.add(3, Ask, 102, 4);
    expect(b.book.qtyAt(Bid, 100)).toBe(8);
    expect([b.book.bestBid(), b.book.bestAsk()]).toEqual([100, 102]);
    expect(b.reduce(1, Bid, 100, 2)).toBe(L3Result.Ok);
    expect(b.orderQtyOf(1)).toBe(3);
    expect(b.execute(2, Bid, 100, 3)).toBe(L3Result.Ok);
    expect(b.has(2)).toBe(false);
    expect(b.delete(1, Bid, 100, 3)).toBe(L3Result.Ok);
    expect(b.book.levelCount(Bid)).toBe(0);
    expect(b.orderCount).toBe(1);
  });

  it('moves the level for orders it does not know, and counts them', () => {
    const b = new L3Book();
    b.setLevel(Ask, 105, 500); // resting before the data starts
    expect(b.execute(77, Ask, 105, 200)).toBe(L3Result.UnknownOrder);
    expect(b.delete(78, Ask, 105, 100)).toBe(L3Result.UnknownOrder);
    expect(b.book.qtyAt(Ask, 105)).toBe(200);
    expect(b.stats.unknownOrders).toBe(2);
    expect(b.delete(79, Ask, 105, 300)).toBe(L3Result.UnknownOrder);
    expect(b.stats.levelUnderflows).toBe(1);
    expect(b.book.qtyAt(Ask, 105)).toBe(0);
  });

  it('reports duplicates and size disagreements without throwing', () => {
    const b = new L3Book();
    b.add(1, Bid, 100, 5);
    expect(b.add(1, Bid, 100, 5)).toBe(L3Result.DuplicateOrder);
    expect(b.book.qtyAt(Bid, 100)).toBe(10);
    expect(b.delete(1, Bid, 100, 4)).toBe(L3Result.SizeMismatch);
    expect(b.has(1)).toBe(false);
    expect(b.book.qtyAt(Bid, 100)).toBe(6);
    expect(b.stats).toMatchObject({ duplicateOrders: 1, sizeMismatches: 1 });
  });

  it('keeps FIFO queues per level, with unattributed quantity in front', () => {
    const b = new L3Book();
    b.setLevel(Bid, 100, 50);
    b.add(1, Bid, 100, 10);
    b.add(2, Bid, 100, 20);
    b.add(3, Bid, 100, 30);
    b.add(4, Bid, 99, 5);
    expect(b.ordersAt(Bid, 100)).toEqual([1, 2, 3]);
    expect([1, 2, 3, 4].map((id) => b.queueAhead(id))).toEqual([50, 60, 80, 0]);
    expect(b.arrivalOf(1)).toBeLessThan(b.arrivalOf(2));
    b.reduce(1, Bid, 100, 5); // a partial cancel keeps the place
    expect(b.queueAhead(2)).toBe(55);
    b.execute(77, Bid, 100, 50); // unknown order at the front executes
    expect(b.queueAhead(1)).toBe(0);
    b.delete(2, Bid, 100, 20);
    expect(b.ordersAt(Bid, 100)).toEqual([1, 3]);
    expect(b.queueAhead(3)).toBe(5);
    expect(b.queueAhead(999)).toBeNaN();
    b.add(5, Bid, 100, 1);
    expect(b.ordersAt(Bid, 100)).toEqual([1, 3, 5]);
  });

  it('forgets a level\'s orders when L2 information shows less than they add up to', () => {
    const b = new L3Book();
    b.add(1, Ask, 110, 10);
    b.add(2, Ask, 110, 10);
    b.setLevel(Ask, 110, 25); // more: the extra 5 is unattributed
    expect(b.ordersAt(Ask, 110)).toEqual([1, 2]);
    b.setLevel(Ask, 110, 15);
    expect(b.ordersAt(Ask, 110)).toEqual([]);
    expect(b.stats.forgottenOrders).toBe(2);
    expect(b.execute(1, Ask, 110, 10)).toBe(L3Result.UnknownOrder);
    expect(b.book.qtyAt(Ask, 110)).toBe(5);
  });

  it('recycles slots without mixing queues', () => {
    const b = new L3Book();
    for (let round = 0; round < 3; round++) {
      for (let id = 0; id < 3000; id++) b.add(round * 10_000 + id, id % 2 ? Bid : Ask, 1000 + (id % 7), 1);
      for (let id = 0; id < 3000; id += 2) b.delete(round * 10_000 + id, Ask, 1000 + (id % 7), 1);
      for (let id = 1; id < 3000; id += 2) b.delete(round * 10_000 + id, Bid, 1000 + (id % 7), 1);
      expect(b.orderCount).toBe(0);
      expect(b.book.levelCount(Bid) + b.book.levelCount(Ask)).toBe(0);
    }
  });

  // Random order flow against a model that keeps each level as a plain array of [id, qty].
  it('agrees with a naive per-order model on random operations', () => {
    const op = fc.record({
      kind: fc.constantFrom('add', 'add', 'reduce', 'delete', 'execute'),
      pick: fc.nat(),
      side: fc.constantFrom<SideValue>(Bid, Ask),
      price: fc.integer({ min: 95, max: 105 }),
      qty: fc.integer({ min: 1, max: 10 }),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 150 }), (ops) => {
        const book = new L3Book();
        const model = new Map<string, Array<[number, number]>>();
        const where = new Map<number, { side: SideValue; price: number }>();
        let nextId = 1;
        for (const o of ops) {
          if (o.kind === 'add') {
            const id = nextId++;
            book.add(id, o.side, o.price, o.qty);
            const k = `${o.side}:${o.price}`;
            model.set(k, [...(model.get(k) ?? []), [id, o.qty]]);
            where.set(id, { side: o.side, price: o.price });
            continue;
          }
          const ids = [...where.keys()];
          if (ids.length === 0) continue;
          const id = ids[o.pick % ids.length] ?? 0;
          const w = where.get(id);
          if (!w) continue;
          const k = `${w.side}:${w.price}`;
          const queue = model.get(k) ?? [];
          const entry = queue.find(([i]) => i === id);
          if (!entry) continue;
          const qty = o.kind === 'delete' ? entry[1] : Math.min(o.qty, entry[1]);
          if (o.kind === 'delete') book.delete(id, w.side, w.price, qty);
          else if (o.kind === 'reduce') book.reduce(id, w.side, w.price, qty);
          else book.execute(id, w.side, w.price, qty);
          entry[1] -= qty;
          if (entry[1] === 0) {
            model.set(k, queue.filter(([i]) => i !== id));
            where.delete(id);
          }
        }
        for (const [k, queue] of model) {
          const [sideText, priceText] = k.split(':');
          const side = Number(sideText) as SideValue;
          const price = Number(priceText);
          expect(book.book.qtyAt(side, price)).toBe(queue.reduce((s, [, q]) => s + q, 0));
          expect(book.ordersAt(side, price)).toEqual(queue.map(([i]) => i));
          let ahead = 0;
          for (const [id, q] of queue) {
            expect(book.queueAhead(id)).toBe(ahead);
            ahead += q;
          }
        }
        expect(book.orderCount).toBe(where.size);
        expect(book.stats.unknownOrders + book.stats.sizeMismatches + book.stats.levelUnderflows).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('BookReplayer', () => {
  it('routes rows to L2 books and turns a market into an L3 book at its first order row', () => {
    const batch = allocateBatch(8, { dayEpochMs: 0, markets: [{ venue: 'x', symbol: 'A/B', tickSize: 0.01, source: 't' }] });
    const rows: Array<[number, SideValue, number, number, number]> = [
      [EventKind.BookClear, Bid, 0, 0, 0],
      [EventKind.BookLevel, Bid, 100, 40, 0],
      [EventKind.BookLevel, Ask, 101, 30, 0],
      [EventKind.OrderAdd, Bid, 100, 5, 9],
      [EventKind.OrderExecute, Ask, 101, 10, 8],
      [EventKind.Trade, Bid, 101, 10, 0],
    ];
    rows.forEach(([kind, side, price, qty, id], i) => {
      batch.kind[i] = kind;
      batch.side[i] = side;
      batch.priceTicks[i] = price;
      batch.qty[i] = qty;
      batch.orderId[i] = id;
      batch.flags[i] = EventFlag.EndOfMessage;
    });
    batch.length = rows.length;
    const r = new BookReplayer(batch);
    r.applyRange(batch);
    const book = r.books[0];
    expect(book?.qtyAt(Bid, 100)).toBe(45);
    expect(book?.qtyAt(Ask, 101)).toBe(20);
    expect(r.orderBooks[0]?.queueAhead(9)).toBe(40);
    expect(r.orderBooks[0]?.book).toBe(book);
  });
});
