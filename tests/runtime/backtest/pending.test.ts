import { describe, expect, it } from 'vitest';
import { PendingKind, PendingQueue } from '../../../runtime/backtest/pending.js';
import type { ExchangeReport } from '../../../runtime/backtest/exchange.js';
import type { OrderAction } from '../../../runtime/engine.js';
import { Side } from '../../../runtime/events.js';

const place = (id: number, hedge = false): OrderAction => ({ kind: 'place', id, market: 0, side: Side.Ask, priceTicks: 10, price: 1.5, qty: 2, level: 1, hedge, planHash: 'h1', tNs: 0 });
const amend = (id: number): OrderAction => ({ kind: 'amend', id, market: 1, side: Side.Bid, priceTicks: 9, price: 0.9, qty: 3, level: 0, planHash: 'h2', tNs: 0 });
const cancel = (id: number): OrderAction => ({ kind: 'cancel', id, market: 0, side: Side.Bid, reason: 'x', tNs: 0 });
const gone = (id: number): ExchangeReport => ({ kind: 'gone', tNs: 0, orderId: id, reason: 'cancelled' });

describe('PendingQueue', () => {
  it('delivers by time; at equal times order actions before reports, then in sending order', () => {
    const q = new PendingQueue();
    q.pushReport(5, gone(1), undefined);
    q.pushAction(5, cancel(2));
    q.pushAction(3, amend(3));
    q.pushReport(5, gone(4), undefined);
    q.pushAction(5, place(5));
    const order: string[] = [];
    for (let p = q.pop(); p; p = q.pop()) {
      order.push(p.kind === PendingKind.report ? `report ${p.report?.kind === 'gone' ? p.report.orderId : '?'}` : `action ${p.id}`);
      q.release(p);
    }
    expect(order).toEqual(['action 3', 'action 2', 'action 5', 'report 1', 'report 4']);
  });

  it('pops, among what is in it, the least by (time, actions first, sending order), over interleaved pushes and pops', () => {
    const q = new PendingQueue();
    let seed = 12345;
    const rand = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    // The reference: the items in flight, as plain records.
    const live: Array<{ t: number; report: boolean; n: number }> = [];
    const label = (x: { t: number; report: boolean; n: number }): string => `${x.t} ${x.report ? 'r' : 'a'}${x.n}`;
    let n = 0;
    let popped = 0;
    for (let round = 0; round < 20; round++) {
      for (let k = 0; k < 200; k++) {
        const t = Math.floor(rand() * 50) + round * 10;
        const report = rand() < 0.4;
        if (report) q.pushReport(t, gone(n), undefined);
        else q.pushAction(t, n % 3 === 0 ? place(n, n % 2 === 0) : n % 3 === 1 ? amend(n) : cancel(n));
        live.push({ t, report, n: n++ });
      }
      // Drain part of it, as a session does between sends.
      for (let k = 0; k < 150; k++) {
        const p = q.pop();
        if (!p) break;
        live.sort((a, b) => a.t - b.t || Number(a.report) - Number(b.report) || a.n - b.n);
        const want = live.shift();
        const id = p.kind === PendingKind.report ? (p.report?.kind === 'gone' ? p.report.orderId : -1) : p.id;
        expect(`${p.t} ${p.kind === PendingKind.report ? 'r' : 'a'}${id}`).toBe(want ? label(want) : 'nothing');
        // A reused item carries only its own action's fields.
        if (p.kind === PendingKind.place) expect([p.price, p.qty, p.level, p.planHash, p.hedge, p.side]).toEqual([1.5, 2, 1, 'h1', p.id % 2 === 0, Side.Ask]);
        if (p.kind === PendingKind.amend) expect([p.price, p.qty, p.level, p.planHash, p.hedge, p.side]).toEqual([0.9, 3, 0, 'h2', false, Side.Bid]);
        if (p.kind === PendingKind.report) expect(p.record).toBeUndefined();
        q.release(p);
        popped++;
      }
    }
    expect(popped).toBe(3000);
    expect(q.size).toBe(live.length);
  });
});
