// Credit exposure per venue (R8).
import { describe, expect, it } from 'vitest';
import { venueExposures } from '../../runtime/credit/venue-exposure.js';

const marks = { USDT: 1, BTC: 60000, ETH: 2500 };

describe('venueExposures', () => {
  it('values balances at marks and adds what open orders lock (bids: quote, asks: base)', () => {
    const [binance] = venueExposures({
      balances: [
        { venue: 'binance', asset: 'USDT', qty: 10000 },
        { venue: 'binance', asset: 'BTC', qty: 0.5 },
      ],
      openOrders: [
        { venue: 'binance', base: 'BTC', quote: 'USDT', side: 'buy', price: 59900, qty: 0.1 },
        { venue: 'binance', base: 'ETH', quote: 'USDT', side: 'sell', price: 2600, qty: 2 },
      ],
      marks,
      limits: { binance: { limit: 100000 } },
    });
    expect(binance?.balanceValue).toBeCloseTo(40000, 9);
    expect(binance?.openOrderValue).toBeCloseTo(5990 + 5000, 9);
    expect(binance?.exposure).toBeCloseTo(50990, 9);
    expect(binance?.utilisation).toBeCloseTo(0.5099, 9);
    expect(binance?.state).toBe('ok');
  });

  it('states: ok below the alert fraction, alert at it, reduce_only at the limit', () => {
    const state = (usdt: number): string | undefined => venueExposures({ balances: [{ venue: 'v', asset: 'USDT', qty: usdt }], openOrders: [], marks, limits: { v: { limit: 1000, alertFraction: 0.75 } } })[0]?.state;
    expect(state(749.99)).toBe('ok');
    expect(state(750)).toBe('alert');
    expect(state(999.99)).toBe('alert');
    expect(state(1000)).toBe('reduce_only');
    expect(state(5000)).toBe('reduce_only');
  });

  it('borrowings are reported apart, not netted; venues are listed by name, with limits-only venues too', () => {
    const out = venueExposures({
      balances: [
        { venue: 'okx', asset: 'BTC', qty: 1 },
        { venue: 'okx', asset: 'USDT', qty: -20000 },
      ],
      openOrders: [],
      marks,
      limits: { okx: { limit: 100000 }, bybit: { limit: 5000 } },
    });
    expect(out.map((v) => v.venue)).toEqual(['bybit', 'okx']);
    expect(out[1]?.exposure).toBe(60000);
    expect(out[1]?.borrowedValue).toBe(-20000);
    expect(out[0]?.exposure).toBe(0);
    expect(out[0]?.state).toBe('ok');
  });

  it('a venue without a limit is reduce_only once it holds anything; a missing mark is an error naming the asset', () => {
    expect(venueExposures({ balances: [{ venue: 'new', asset: 'USDT', qty: 1 }], openOrders: [], marks, limits: {} })[0]?.state).toBe('reduce_only');
    expect(() => venueExposures({ balances: [{ venue: 'v', asset: 'SOL', qty: 1 }], openOrders: [], marks, limits: {} })).toThrow(/no valid mark for SOL/);
  });
});
