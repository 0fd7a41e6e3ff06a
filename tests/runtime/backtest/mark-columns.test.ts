import { describe, expect, it } from 'vitest';
import { MarkColumns } from '../../../runtime/backtest/mark-columns.js';

describe('MarkColumns', () => {
  it('gives back every sample as written, across chunk boundaries, from any starting row', () => {
    const cols = new MarkColumns(2);
    const n = 10_000; // more than two chunks of 4096
    const scenarios = ['normal', 'wide', 'normal', 'calm'];
    for (let i = 0; i < n; i++) {
      const row = cols.add(i * 1e9, i / 10, scenarios[Math.floor(i / 2500)] ?? 'normal');
      expect(row).toBe(i);
      for (let m = 0; m < 2; m++) cols.set(row, m, 100 + i + m, m === 0 ? i : -i, m === 0 ? NaN : 99 + i, 101 + i + m);
    }
    expect(cols.length).toBe(n);
    const all = cols.read();
    expect(all).toHaveLength(n);
    for (const i of [0, 1, 4095, 4096, 4097, 8191, 8192, n - 1]) {
      expect(all[i]).toEqual({
        tNs: i * 1e9,
        pnl: i / 10,
        scenario: scenarios[Math.floor(i / 2500)],
        mids: [100 + i, 101 + i],
        positions: [i, -i],
        quoteBid: [NaN, 99 + i],
        quoteAsk: [101 + i, 102 + i],
      });
    }
    const tail = cols.read(4090);
    expect(tail).toHaveLength(n - 4090);
    expect(tail[0]?.tNs).toBe(4090e9);
    expect(tail[10]?.mids).toEqual([4200, 4201]);
  });

  it('reads nothing before the first sample', () => {
    expect(new MarkColumns(1).read()).toEqual([]);
  });
});
