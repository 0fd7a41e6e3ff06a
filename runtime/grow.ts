// Growing a typed-array column: the larger array `to`, with `from`'s values at its start. Shared by
// the struct-of-arrays stores that grow by doubling (the L3 book's order slots).
export function grown<T extends Float64Array | Int32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
