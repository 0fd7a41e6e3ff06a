// Queue-position models: where our resting order stands in the queue at its price, when the data
// only shows the total quantity per level (L2). Our order joins the back of the queue; trades at the
// price eat the queue from the front; a decrease of the level that trades do not explain is a
// cancellation somewhere in the queue, and the model says how much of it was ahead of us.
//
// The probabilistic models follow Rigtorp's estimator as hftbacktest documents it: with `front` the
// quantity ahead and `back` the quantity behind, a cancellation of size c is taken from behind us
// with probability p = f(back) / (f(back) + f(front)), where f is x^n (power) or ln(1 + x) (log).
// The risk-averse model assumes every cancellation is behind us (our position improves only through
// trades) — the most conservative choice. With order-level (L3) data no model is needed: the queue is
// tracked exactly by order id (see exchange.ts).

export interface QueueState {
  /** Quantity ahead of our order at its price. */
  front: number;
  /** Trade quantity seen at our price since the last change of the level (so it is not counted twice). */
  tradedSinceDepth: number;
}

export interface QueueModel {
  readonly name: string;
  /** The level changed from `prevQty` to `newQty` (our own order not included in either). */
  depthChanged(s: QueueState, prevQty: number, newQty: number): void;
}

abstract class ProbQueue implements QueueModel {
  abstract readonly name: string;
  protected abstract f(x: number): number;

  depthChanged(s: QueueState, prevQty: number, newQty: number): void {
    // Trades at our price already moved `front`; they are part of this decrease too.
    const change = prevQty - newQty - s.tradedSinceDepth;
    s.tradedSinceDepth = 0;
    if (change <= 0) {
      // The level grew (orders joined behind us) or only traded: nothing ahead of us left.
      s.front = Math.min(s.front, newQty);
      return;
    }
    const front = s.front;
    const back = Math.max(0, prevQty - front);
    const fb = this.f(back);
    const ff = this.f(front);
    let p = fb / (fb + ff);
    if (!Number.isFinite(p)) p = 1;
    // p of the cancellation behind us, the rest ahead; what behind cannot absorb is ahead too.
    const estimate = front - (1 - p) * change + Math.min(back - p * change, 0);
    s.front = Math.max(0, Math.min(estimate, newQty));
  }
}

export class PowerProbQueue extends ProbQueue {
  readonly name: string;
  constructor(readonly n: number) {
    super();
    if (!(n > 0) || !Number.isFinite(n)) throw new RangeError(`the power queue model needs n > 0, not ${n}`);
    this.name = `power(${n})`;
  }
  protected f(x: number): number {
    return Math.pow(x, this.n);
  }
}

export class LogProbQueue extends ProbQueue {
  readonly name = 'log';
  protected f(x: number): number {
    return Math.log1p(x);
  }
}

export class RiskAverseQueue implements QueueModel {
  readonly name = 'risk-averse';
  depthChanged(s: QueueState, _prevQty: number, newQty: number): void {
    s.tradedSinceDepth = 0;
    s.front = Math.min(s.front, newQty);
  }
}

/** `power(3)` (default), `power:2`, `log`, `risk-averse`. */
export function parseQueueModel(text: string): QueueModel {
  const t = text.trim();
  if (t === 'log') return new LogProbQueue();
  if (t === 'risk-averse' || t === 'riskaverse') return new RiskAverseQueue();
  const m = /^power(?:[(:]\s*(\d+(?:\.\d+)?)\s*\)?)?$/.exec(t);
  if (m) return new PowerProbQueue(m[1] === undefined ? 3 : Number(m[1]));
  throw new RangeError(`--queue: '${text}' should be power(n), log or risk-averse`);
}
