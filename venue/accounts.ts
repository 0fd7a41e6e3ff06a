// Balances of the venue's accounts (one per API key): free and locked per asset, Binance-style.
// A new order locks what it may spend — the quantity for a sell, price × quantity plus the fee at the
// highest rate for a buy — and each fill settles against that lock; whatever is left of the lock is
// released when the order is done.
//
// Fees are charged in the quote asset on both sides (Binance charges the received asset, or BNB);
// one asset keeps the arithmetic a client checks simple: quote spent on a buy = price × qty + fee,
// quote received on a sell = price × qty − fee. Rates are fractions of notional (0.001 = 0.1 %).

export interface FeeRates {
  maker: number;
  taker: number;
}

export const DEFAULT_FEES: FeeRates = { maker: 0.001, taker: 0.001 };
export const DEFAULT_BALANCES: Readonly<Record<string, number>> = { USDT: 100_000, BTC: 10, ETH: 100 };

export interface Balance {
  free: number;
  locked: number;
}

/** What an order holds locked: `asset` and how much of it is still locked. */
export interface Lock {
  asset: string;
  amount: number;
}

/** Below this, amounts are float dust. */
const DUST = 1e-9;

export class Account {
  private readonly balances = new Map<string, Balance>();
  updateTimeMs = 0;

  constructor(
    readonly apiKey: string,
    readonly secret: string,
    start: Readonly<Record<string, number>>,
    readonly fees: FeeRates,
  ) {
    for (const [asset, free] of Object.entries(start)) {
      if (!(free >= 0)) throw new RangeError(`starting balance of ${asset} must be ≥ 0, not ${free}`);
      this.balances.set(asset, { free, locked: 0 });
    }
  }

  balance(asset: string): Balance {
    let b = this.balances.get(asset);
    if (!b) {
      b = { free: 0, locked: 0 };
      this.balances.set(asset, b);
    }
    return b;
  }

  all(): Array<[asset: string, balance: Balance]> {
    return [...this.balances.entries()];
  }

  /** Locks `amount` of `asset`, or returns undefined when the free balance is short. */
  lock(asset: string, amount: number): Lock | undefined {
    const b = this.balance(asset);
    if (amount > b.free + DUST) return undefined;
    const take = Math.min(amount, b.free);
    b.free -= take;
    b.locked += take;
    return { asset, amount: take };
  }

  /** A fill of a buy: spends `quoteSpent` (notional + fee) from the lock, credits `baseQty`. */
  settleBuy(lock: Lock, base: string, baseQty: number, quoteSpent: number, timeMs: number): void {
    this.spend(lock, quoteSpent);
    this.balance(base).free += baseQty;
    this.updateTimeMs = timeMs;
  }

  /** A fill of a sell: spends `baseQty` from the lock, credits `quoteReceived` (notional − fee). */
  settleSell(lock: Lock, quote: string, baseQty: number, quoteReceived: number, timeMs: number): void {
    this.spend(lock, baseQty);
    this.balance(quote).free += quoteReceived;
    this.updateTimeMs = timeMs;
  }

  /** The order is done: what it still holds is free again. */
  release(lock: Lock): void {
    const b = this.balance(lock.asset);
    const back = Math.min(lock.amount, b.locked);
    b.locked -= back;
    b.free += back;
    if (b.locked < DUST) b.locked = 0;
    lock.amount = 0;
  }

  private spend(lock: Lock, amount: number): void {
    const b = this.balance(lock.asset);
    const fromLock = Math.min(amount, lock.amount);
    lock.amount -= fromLock;
    b.locked = Math.max(0, b.locked - fromLock);
    // A lock sized at the order's price can fall short by float dust; the rest comes from free.
    b.free -= amount - fromLock;
    if (b.locked < DUST) b.locked = 0;
  }
}

export class Accounts {
  private readonly byKey = new Map<string, Account>();

  add(account: Account): void {
    this.byKey.set(account.apiKey, account);
  }

  get(apiKey: string): Account | undefined {
    return this.byKey.get(apiKey);
  }
}
