// The order journal: every order action and every fill is written here before the runner acts on
// it (sends the order, updates the position), so a crash at any point leaves a record from which
// the next start rebuilds positions and finds every order that may still be at a venue.

export type JournalEntry =
  | { kind: 'start'; balances: Record<string, Record<string, number>>; planHash: string }
  /** About to send a new order (written before the request leaves). */
  | { kind: 'place'; clientId: string; engineId: number; market: number; symbol: string; venue: string; side: 'buy' | 'sell'; price: number; qty: number; hedge: boolean; planHash: string }
  | { kind: 'ack'; clientId: string; venueId: string; status: string; filled: number }
  | { kind: 'rejected'; clientId: string; reason: string }
  /** About to cancel (written before the request leaves). */
  | { kind: 'cancel'; clientId: string; reason: string }
  /** The order is over at the venue: cancelled, filled, expired, or unknown to it. */
  | { kind: 'done'; clientId: string; status: string }
  | { kind: 'fill'; tradeId: string; clientId: string; venueId: string; market: number; symbol: string; venue: string; side: 'buy' | 'sell'; price: number; qty: number; fee: number; feeAsset: string; liquidity: string; timeMs: number }
  /** A hedge that could not be done: the exposure it leaves, kept on record. */
  | { kind: 'hedge_failed'; market: number; symbol: string; side: 'buy' | 'sell'; qty: number; reason: string }
  | { kind: 'note'; text: string }
  | { kind: 'stop'; reason: string };

export interface JournalRecord {
  seq: number;
  timeMs: number;
  entry: JournalEntry;
}

export interface Journal {
  /** Durable once the promise resolves. */
  append(entry: JournalEntry): Promise<void>;
  /** Every record of the instance, in order. */
  read(): Promise<JournalRecord[]>;
  close(): Promise<void>;
}

/** For tests and dry runs: the same contract, kept in memory. */
export class MemoryJournal implements Journal {
  readonly records: JournalRecord[] = [];
  constructor(private readonly now: () => number = Date.now) {}
  async append(entry: JournalEntry): Promise<void> {
    this.records.push({ seq: this.records.length + 1, timeMs: this.now(), entry: structuredClone(entry) });
  }
  async read(): Promise<JournalRecord[]> {
    return this.records.map((r) => structuredClone(r));
  }
  async close(): Promise<void> {}
}

export interface RecoveredState {
  /** Signed position per plan market from journaled fills. */
  positions: number[];
  fills: Extract<JournalEntry, { kind: 'fill' }>[];
  seenTrades: Set<string>;
  /** Orders sent (or about to be) and not known to be over: they may still be at a venue. */
  maybeOpen: Map<string, Extract<JournalEntry, { kind: 'place' }> & { venueId?: string }>;
  /** Venue order id → client id, from acks. */
  venueIds: Map<string, string>;
  lastFillMs: number;
  firstStart: Extract<JournalEntry, { kind: 'start' }> | undefined;
  hedgeFailures: Extract<JournalEntry, { kind: 'hedge_failed' }>[];
  maxSeq: number;
}

/** Replays journal records into what a restart needs. Pure. */
export function recover(records: readonly JournalRecord[], markets: number): RecoveredState {
  const s: RecoveredState = { positions: new Array<number>(markets).fill(0), fills: [], seenTrades: new Set(), maybeOpen: new Map(), venueIds: new Map(), lastFillMs: 0, firstStart: undefined, hedgeFailures: [], maxSeq: 0 };
  for (const { entry: e } of records) {
    switch (e.kind) {
      case 'start':
        s.firstStart ??= e;
        break;
      case 'place':
        s.maybeOpen.set(e.clientId, { ...e });
        break;
      case 'ack': {
        s.venueIds.set(e.venueId, e.clientId);
        const o = s.maybeOpen.get(e.clientId);
        if (o) o.venueId = e.venueId;
        if (e.status !== 'open' && o) s.maybeOpen.delete(e.clientId);
        break;
      }
      case 'rejected':
      case 'done':
        s.maybeOpen.delete(e.clientId);
        break;
      case 'fill':
        if (s.seenTrades.has(`${e.venue}:${e.tradeId}`)) break;
        s.seenTrades.add(`${e.venue}:${e.tradeId}`);
        s.fills.push(e);
        if (e.market >= 0 && e.market < markets) s.positions[e.market]! += e.side === 'buy' ? e.qty : -e.qty;
        s.lastFillMs = Math.max(s.lastFillMs, e.timeMs);
        break;
      case 'hedge_failed':
        s.hedgeFailures.push(e);
        break;
      default:
        break;
    }
  }
  s.maxSeq = records.length;
  return s;
}
