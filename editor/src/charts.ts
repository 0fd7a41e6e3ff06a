// Line charts with uPlot (small, fast, well kept; the same library as the offline HTML report).
// Live charts keep a bounded window of points and redraw at most once per animation frame.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export const palette = ['#1f77b4', '#2ca02c', '#ff7f0e', '#d62728', '#9467bd', '#8c564b', '#17becf'];

export interface SeriesSpec {
  label: string;
  color?: string;
  dash?: number[];
  /** Draw points only (fills, quotes). */
  points?: boolean;
  width?: number;
}

export interface Chart {
  setData(data: Array<Array<number | null>>): void;
  destroy(): void;
}

export function lineChart(host: HTMLElement, title: string, series: SeriesSpec[], data: Array<Array<number | null>>, height = 200): Chart {
  const width = Math.max(280, host.clientWidth || 600);
  const opts: uPlot.Options = {
    title,
    width,
    height,
    scales: { x: { time: true } },
    axes: [{}, { size: 70 }],
    series: [
      {},
      ...series.map((s, i) => ({
        label: s.label,
        stroke: s.color ?? palette[i % palette.length],
        width: s.width ?? 1.5,
        ...(s.dash ? { dash: s.dash } : {}),
        ...(s.points ? { paths: () => null, points: { show: true, size: 5, fill: s.color ?? palette[i % palette.length] } } : { points: { show: false } }),
        spanGaps: false,
      })),
    ],
    legend: { live: true },
  };
  const plot = new uPlot(opts, data as uPlot.AlignedData, host);
  let pending: Array<Array<number | null>> | null = null;
  const ro = new ResizeObserver(() => {
    const w = host.clientWidth;
    if (w > 0 && Math.abs(w - plot.width) > 4) plot.setSize({ width: w, height });
  });
  ro.observe(host);
  return {
    setData(next) {
      if (pending === null) {
        requestAnimationFrame(() => {
          if (pending) plot.setData(pending as uPlot.AlignedData);
          pending = null;
        });
      }
      pending = next;
    },
    destroy() {
      ro.disconnect();
      plot.destroy();
    },
  };
}

/** Columns of a live chart: a time axis and one column per series, trimmed to the last `max` points. */
export class RollingColumns {
  readonly columns: Array<Array<number | null>>;
  constructor(
    series: number,
    private readonly max = 600,
  ) {
    this.columns = Array.from({ length: series + 1 }, () => []);
  }
  push(t: number, values: Array<number | null>): void {
    const last = this.columns[0]!.at(-1);
    // uPlot needs increasing x; a replay that loops starts its clock again.
    if (last !== undefined && last !== null && t <= last) {
      if (t < last) this.clear();
      else return;
    }
    this.columns[0]!.push(t);
    values.forEach((v, i) => this.columns[i + 1]!.push(v));
    if (this.columns[0]!.length > this.max) for (const c of this.columns) c.shift();
  }
  clear(): void {
    for (const c of this.columns) c.length = 0;
  }
}
