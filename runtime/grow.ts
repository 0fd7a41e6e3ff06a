// Growing a typed-array column: the larger array `to`, with `from`'s values at its start. Shared by
// the struct-of-arrays stores that grow by doubling (L3 order slots, backtest mark columns).
export function grown<T extends Float64Array | Int32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
