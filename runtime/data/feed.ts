// What a loader returns: one feed's rows plus what was wrong with them.
import type { DataIssue, EventBatch } from '../events.js';

export interface Feed {
  batch: EventBatch;
  issues: DataIssue[];
}

/** Reported while loading: bytes of the inputs read so far (compressed size where compressed). */
export type LoadProgress = (p: { source: string; bytesRead: number; bytesTotal: number }) => void;

export const NS_PER_MS = 1_000_000;
export const MS_PER_DAY = 86_400_000;

/** 00:00 UTC of the day holding `ms`. */
export function utcDayStartMs(ms: number): number {
  return Math.floor(ms / MS_PER_DAY) * MS_PER_DAY;
}
