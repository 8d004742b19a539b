// Protobuf wire format: the little the project reads and writes by hand (ONNX weights, graph
// patches, probe graphs, the derived float encoder) without a protobuf library.

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

/** Position in a buffer being read. */
export interface P { i: number }

/** Reads a base-128 varint (values up to 2^53: ONNX sizes, dims, enums). */
export function readVarint(b: Uint8Array, p: P): number {
  let r = 0, s = 1;
  for (;;) {
    if (p.i >= b.length) throw new Error('onnx: truncated varint');
    const x = b[p.i++];
    r += (x & 0x7f) * s;
    if (!(x & 0x80)) return r;
    s *= 128;
  }
}

export type Field = { no: number; wire: number; num?: number; bytes?: Uint8Array };
/** The fields of a message, in order; length-delimited ones as views into `b`. */
export function* fields(b: Uint8Array): Generator<Field> {
  const p = { i: 0 };
  while (p.i < b.length) {
    const key = readVarint(b, p);
    const no = Math.floor(key / 8), wire = key & 7;
    if (wire === 0) yield { no, wire, num: readVarint(b, p) };
    else if (wire === 2) {
      const n = readVarint(b, p);
      if (p.i + n > b.length) throw new Error('onnx: truncated field');
      yield { no, wire, bytes: b.subarray(p.i, p.i + n) };
      p.i += n;
    } else if (wire === 5) { yield { no, wire, bytes: b.subarray(p.i, p.i + 4) }; p.i += 4; }
    else if (wire === 1) { yield { no, wire, bytes: b.subarray(p.i, p.i + 8) }; p.i += 8; }
    else throw new Error(`onnx: unsupported wire type ${wire}`);
  }
}
