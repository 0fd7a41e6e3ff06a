// The simulated exchange on small hand-made markets, where every fill can be worked out by hand.
import { describe, expect, it } from 'vitest';
import { allocateBatch, EventFlag, EventKind, Side, type EventBatch } from '../../../runtime/events.js';
import { SimExchange, type ExchangeReport, type SimOrder } from '../../../runtime/backtest/exchange.js';
import { NotionalFees } from '../../../runtime/backtest/fees.js';
import { PowerProbQueue, RiskAverseQueue, type QueueModel } from '../../../runtime/backtest/queue.js';

type Row = [kind: number, side: number, priceTicks: number, qty: number, orderId?: number];

function batchOf(rows: Row[]): EventBatch {
  const b = allocateBatch(rows.length, { dayEpochMs: 0, markets: [{ venue: 'sim', symbol: 'BTC/USDT', tickSize: 1, source: 'test' }] });
  rows.forEach(([kind, side, p, q, id], i) => {
    b.kind[i] = kind;
    b.side[i] = side;
    b.priceTicks[i] = p;
    b.qty[i] = q;
    b.orderId[i] = id ?? 0;
    b.exchTs[i] = i * 1e6;
    b.flags[i] = EventFlag.EndOfMessage;
  });
  b.length = rows.length;
  return b;
}

function order(over: Partial<SimOrder>): SimOrder {
  return { id: 1, market: 0, feed: 0, side: Side.Bid, priceTicks: 100, price: 100, qty: 1, hedge: false, taker: false, level: 0, planHash: 'h', front: 0, tradedSinceDepth: 0, restSeq: 0, ...over };
}

/** Applies rows [from, to), each as a message of its own, and returns the reports they caused. */
function run(x: SimExchange, from: number, to: number): ExchangeReport[] {
  for (let i = from; i < to; i++) x.applyMessage(i, i, 0);
  return x.takeReports();
}

const fees = new NotionalFees(-0.0001, 0.0005);
const fills = (r: ExchangeReport[]): Array<[number, number, string]> => r.flatMap((x) => (x.kind === 'fill' ? [[x.qty, x.price, x.liquidity] as [number, number, string]] : []));

describe('simulated exchange', () => {
  const book: Row[] = [
    [EventKind.BookLevel, Side.Bid, 100, 5],
    [EventKind.BookLevel, Side.Bid, 99, 3],
    [EventKind.BookLevel, Side.Ask, 101, 2],
    [EventKind.BookLevel, Side.Ask, 102, 4],
  ];

  it('puts a new order at the back of the queue; trades at the price fill it only after the queue ahead', () => {
    const b = batchOf([...book, [EventKind.Trade, Side.Ask, 100, 4], [EventKind.Trade, Side.Ask, 100, 1.5], [EventKind.Trade, Side.Ask, 100, 1]]);
    const x = new SimExchange(b, new RiskAverseQueue(), fees);
    run(x, 0, 4);
    x.place(order({ qty: 1 }), 4e6);
    expect(x.takeReports()).toEqual([]);
    // 5 ahead: a 4-lot sell leaves 1 ahead; a 1.5-lot sell fills us 0.5; the next 1-lot fills the other 0.5.
    expect(fills(run(x, 4, 5))).toEqual([]);
    expect(fills(run(x, 5, 6))).toEqual([[0.5, 100, 'maker']]);
    expect(fills(run(x, 6, 7))).toEqual([[0.5, 100, 'maker']]);
  });

  it('fills completely when the market trades through the price', () => {
    const b = batchOf([...book, [EventKind.Trade, Side.Ask, 99, 0.1]]);
    const x = new SimExchange(b, new RiskAverseQueue(), fees);
    run(x, 0, 4);
    x.place(order({ qty: 2 }), 4e6);
    const r = run(x, 4, 5);
    expect(fills(r)).toEqual([[2, 100, 'maker']]);
    const f = r[0];
    expect(f?.kind === 'fill' ? f.fee : NaN).toBeCloseTo(-0.02, 12); // a maker rebate of 1 bp on 200
  });

  it('rejects a post-only order that would take liquidity', () => {
    const b = batchOf(book);
    const x = new SimExchange(b, new RiskAverseQueue(), fees);
    run(x, 0, 4);
    x.place(order({ priceTicks: 101, price: 101 }), 4e6);
    expect(x.takeReports()).toEqual([{ kind: 'gone', tNs: 4e6, orderId: 1, reason: 'rejected' }]);
  });

  it('walks the book for a taker order, and the liquidity it took stays taken until the data updates the level', () => {
    const b = batchOf([...book, [EventKind.BookLevel, Side.Ask, 101, 2]]);
    const x = new SimExchange(b, new RiskAverseQueue(), fees);
    run(x, 0, 4);
    x.place(order({ id: 1, taker: true, hedge: true, priceTicks: 102, price: 102, qty: 3 }), 4e6);
    expect(fills(x.takeReports())).toEqual([[2, 101, 'taker'], [1, 102, 'taker']]);
    // A second taker order sees 101 exhausted and 3 left at 102; the rest of it is cancelled.
    x.place(order({ id: 2, taker: true, hedge: true, priceTicks: 102, price: 102, qty: 5 }), 4e6);
    const r = x.takeReports();
    expect(fills(r)).toEqual([[3, 102, 'taker']]);
    expect(r.at(-1)).toEqual({ kind: 'gone', tNs: 4e6, orderId: 2, reason: 'expired' });
    // The data refreshes 101: it is available again.
    run(x, 4, 5);
    x.place(order({ id: 3, taker: true, hedge: true, priceTicks: 101, price: 101, qty: 1 }), 5e6);
    expect(fills(x.takeReports())).toEqual([[1, 101, 'taker']]);
  });

  it('cancels our own resting order a taker order would hit (self-trade prevention)', () => {
    const b = batchOf(book);
    const x = new SimExchange(b, new RiskAverseQueue(), fees);
    run(x, 0, 4);
    x.place(order({ id: 7, side: Side.Ask, priceTicks: 101, price: 101 }), 4e6);
    x.place(order({ id: 8, side: Side.Bid, taker: true, hedge: true, priceTicks: 101, price: 101, qty: 1 }), 4e6);
    const r = x.takeReports();
    expect(r[0]).toEqual({ kind: 'gone', tNs: 4e6, orderId: 7, reason: 'self_trade' });
    expect(fills(r)).toEqual([[1, 101, 'taker']]);
  });

  it('moves the queue with cancellations by the queue model: risk-averse never, power(n) by the shares ahead and behind', () => {
    const rows: Row[] = [...book, [EventKind.BookLevel, Side.Bid, 100, 9], [EventKind.BookLevel, Side.Bid, 100, 5]];
    const front = (q: QueueModel): number => {
      const b = batchOf(rows);
      const x = new SimExchange(b, q, fees);
      run(x, 0, 4);
      const o = order({});
      x.place(o, 4e6); // 5 ahead
      run(x, 4, 6); // 4 join behind, then 4 cancel
      return o.front;
    };
    expect(front(new RiskAverseQueue())).toBe(5);
    // power(3): front 5, back 4 → p(behind) = 64 / (64 + 125); of 4 cancelled, (1 − p)·4 were ahead.
    const p = 64 / (64 + 125);
    expect(front(new PowerProbQueue(3))).toBeCloseTo(5 - (1 - p) * 4, 12);
  });

  it('tracks the queue exactly with order ids (L3): orders added after ours are behind us', () => {
    const rows: Row[] = [
      [EventKind.OrderAdd, Side.Bid, 100, 2, 11],
      [EventKind.OrderAdd, Side.Ask, 101, 1, 12],
      [EventKind.OrderAdd, Side.Bid, 100, 3, 13], // added after ours
      [EventKind.OrderDelete, Side.Bid, 100, 3, 13], // behind us: no move
      [EventKind.OrderExecute, Side.Bid, 100, 1, 11], // ahead: 1 left ahead
      [EventKind.OrderAdd, Side.Bid, 100, 4, 14],
      [EventKind.OrderExecute, Side.Bid, 100, 2, 14], // behind us executed: we were filled first
    ];
    const b = batchOf(rows);
    const x = new SimExchange(b, new RiskAverseQueue(), fees);
    run(x, 0, 2);
    const o = order({ qty: 1.5 });
    x.place(o, 2e6);
    expect(o.front).toBe(2);
    run(x, 2, 4);
    expect(o.front).toBe(2);
    run(x, 4, 5);
    expect(o.front).toBe(1);
    expect(fills(run(x, 5, 7))).toEqual([[1.5, 100, 'maker']]);
  });
});
