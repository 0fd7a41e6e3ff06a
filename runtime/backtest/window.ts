// The event-time window of a run, from the user's words: an ISO time, or an offset from the data's
// first event (`90s`, `2m`, `500ms`). Shared by the CLI commands and the API's jobs.
import type { EventBatch } from '../events.js';
import { parseDurationNs } from './latency.js';

/** `--from`/`--to`: an ISO time, or an offset from the data's first event (`90s`, `2m`, `500ms`). */
export function parseWindow(from: string | undefined, to: string | undefined, batch: EventBatch, names = { from: '--from', to: '--to' }): { fromNs?: number; toNs?: number } {
  const start = batch.exchTs[0] ?? 0;
  const at = (s: string, flag: string): number => {
    if (/^\d+(\.\d+)?\s*(ns|us|µs|ms|s)$/.test(s.trim())) return start + parseDurationNs(s);
    const m = /^(\d+(?:\.\d+)?)\s*(m|h)$/.exec(s.trim());
    if (m) return start + Number(m[1]) * (m[2] === 'h' ? 3600e9 : 60e9);
    const ms = Date.parse(s);
    if (Number.isNaN(ms)) throw new RangeError(`${flag} '${s}' is neither an ISO time nor an offset like 90s`);
    return (ms - batch.dayEpochMs) * 1e6;
  };
  const out: { fromNs?: number; toNs?: number } = {};
  if (from !== undefined) out.fromNs = at(from, names.from);
  if (to !== undefined) out.toNs = at(to, names.to);
  const end = batch.exchTs[batch.length - 1] ?? 0;
  if (out.fromNs !== undefined && out.toNs !== undefined && out.toNs <= out.fromNs) throw new RangeError(`${names.to} must be after ${names.from}`);
  if ((out.fromNs ?? start) > end || (out.toNs ?? end) < start) throw new RangeError('the window holds no events of the data');
  return out;
}
