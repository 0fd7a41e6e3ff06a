// Request parameters the way Binance reads them: query string and form body together, each value a
// string. The accessors validate and name the parameter in Binance's error when it is missing
// (-1102) or malformed (-1100), so a bad request is a 400 the client can act on, never a 500.
import { BinanceError, binanceErrors, DECIMAL_RANGE } from './errors.js';

const DECIMAL = /^([0-9]{1,20})(\.[0-9]{1,20})?$/;
const INTEGER = /^-?[0-9]{1,19}$/;
const CLIENT_ID = /^[.A-Za-z0-9_-]{1,36}$/;

export class Params {
  private readonly values = new Map<string, string>();

  constructor(sources: readonly string[]) {
    for (const s of sources) {
      if (!s) continue;
      for (const [k, v] of new URLSearchParams(s)) this.values.set(k, v);
    }
  }

  has(name: string): boolean {
    const v = this.values.get(name);
    return v !== undefined && v !== '';
  }

  optionalString(name: string): string | undefined {
    const v = this.values.get(name);
    return v === undefined || v === '' ? undefined : v;
  }

  string(name: string): string {
    const v = this.optionalString(name);
    if (v === undefined) throw binanceErrors.mandatory(name);
    return v;
  }

  optionalDecimal(name: string): number | undefined {
    const v = this.optionalString(name);
    if (v === undefined) return undefined;
    if (!DECIMAL.test(v)) throw binanceErrors.illegalChars(name, DECIMAL_RANGE);
    return Number(v);
  }

  decimal(name: string): number {
    const v = this.optionalDecimal(name);
    if (v === undefined) throw binanceErrors.mandatory(name);
    return v;
  }

  optionalInt(name: string, range?: { min?: number; max?: number }): number | undefined {
    const v = this.optionalString(name);
    if (v === undefined) return undefined;
    if (!INTEGER.test(v)) throw binanceErrors.illegalChars(name, '^-?[0-9]{1,19}$');
    const n = Number(v);
    if ((range?.min !== undefined && n < range.min) || (range?.max !== undefined && n > range.max)) {
      throw new BinanceError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '${range.min ?? '-inf'}..${range.max ?? 'inf'}'.`);
    }
    return n;
  }

  int(name: string): number {
    const v = this.optionalInt(name);
    if (v === undefined) throw binanceErrors.mandatory(name);
    return v;
  }

  optionalClientId(name: string): string | undefined {
    const v = this.optionalString(name);
    if (v !== undefined && !CLIENT_ID.test(v)) throw binanceErrors.illegalChars(name, '^[\\.A-Z\\:/a-z0-9_-]{1,36}$');
    return v;
  }

  /** One of `allowed`, or the given error when the value is something else. */
  optionalEnum<T extends string>(name: string, allowed: readonly T[], invalid: () => BinanceError): T | undefined {
    const v = this.optionalString(name);
    if (v === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(v)) throw invalid();
    return v as T;
  }

  enum<T extends string>(name: string, allowed: readonly T[], invalid: () => BinanceError): T {
    const v = this.optionalEnum(name, allowed, invalid);
    if (v === undefined) throw binanceErrors.mandatory(name);
    return v;
  }
}
