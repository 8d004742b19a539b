// Protobuf wire format: the little the project writes by hand (ONNX graph patches and probe
// graphs) without a protobuf library.

/** Base-128 varint; negative int64 as two's complement (10 bytes), as protobuf does. */
export function varint(n: number | bigint): number[] {
  const out: number[] = [];
  let v = BigInt(n);
  if (v < 0n) v += 1n << 64n;
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

/** Field key: field number and wire type (0 varint, 2 length-delimited). */
export const tag = (field: number, wire: number): number[] => varint((field << 3) | wire);
