// Errors in Binance's own shape: an HTTP status plus `{ code, msg }` with the codes and messages the
// real API uses, because ccxt's binance class maps them to its error classes by code and, for a few,
// by exact message (InsufficientFunds, OrderImmediatelyFillable). Keep the messages verbatim.

export class BinanceError extends Error {
  override name = 'BinanceError';
  constructor(
    readonly status: number,
    readonly code: number,
    msg: string,
    /** Extra response headers (Retry-After on 429). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(msg);
  }

  toJSON(): { code: number; msg: string } {
    return { code: this.code, msg: this.message };
  }
}

export const DECIMAL_RANGE = '^([0-9]{1,20})(\\.[0-9]{1,20})?$';

export const binanceErrors = {
  unknown: () => new BinanceError(500, -1000, 'An unknown error occurred while processing the request.'),
  tooMuchWeight: (limit: number, retryAfterSec: number) =>
    new BinanceError(429, -1003, `Too much request weight used; current limit is ${limit} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.`, {
      'retry-after': String(retryAfterSec),
    }),
  /** An injected 429 (fault), in Binance's words. */
  tooManyRequests: (retryAfterSec: number) => new BinanceError(429, -1003, 'Too many requests; please use the websocket for live updates.', { 'retry-after': String(retryAfterSec) }),
  timestampOutsideWindow: () => new BinanceError(400, -1021, 'Timestamp for this request is outside of the recvWindow.'),
  badSignature: () => new BinanceError(400, -1022, 'Signature for this request is not valid.'),
  illegalChars: (name: string, legal: string) => new BinanceError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '${legal}'.`),
  mandatory: (name: string) => new BinanceError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`),
  notRequired: (name: string) => new BinanceError(400, -1106, `Parameter '${name}' sent when not required.`),
  invalidTimeInForce: () => new BinanceError(400, -1115, 'Invalid timeInForce.'),
  invalidOrderType: () => new BinanceError(400, -1116, 'Invalid orderType.'),
  invalidSide: () => new BinanceError(400, -1117, 'Invalid side.'),
  invalidSymbol: () => new BinanceError(400, -1121, 'Invalid symbol.'),
  recvWindowTooLarge: () => new BinanceError(400, -1131, 'recvWindow must be less than 60000'),
  duplicateClientId: () => new BinanceError(400, -2010, 'Duplicate order sent.'),
  filterFailure: (filter: 'PRICE_FILTER' | 'LOT_SIZE' | 'NOTIONAL' | 'MARKET_LOT_SIZE') => new BinanceError(400, -1013, `Filter failure: ${filter}`),
  insufficientBalance: () => new BinanceError(400, -2010, 'Account has insufficient balance for requested action.'),
  wouldTake: () => new BinanceError(400, -2010, 'Order would immediately match and take.'),
  noLiquidity: () => new BinanceError(400, -2010, 'Market orders are not supported for this symbol.'),
  /** Fault injection: a new order refused for no reason the client could have avoided. */
  newOrderRejected: () => new BinanceError(400, -2010, 'New order rejected.'),
  unknownOrderCancel: () => new BinanceError(400, -2011, 'Unknown order sent.'),
  noSuchOrder: () => new BinanceError(400, -2013, 'Order does not exist.'),
  apiKeyFormat: () => new BinanceError(401, -2014, 'API-key format invalid.'),
  rejectedApiKey: () => new BinanceError(401, -2015, 'Invalid API-key, IP, or permissions for action.'),
} as const;
