// zlib inflate (RFC 1950 wrapper, RFC 1951 deflate) whose output passes through one fixed 64 KB
// window: the consumer sees each stretch of output as a view into that window, and nothing is
// allocated per byte, row or block. Why not the browser's DecompressionStream: it hands out a fresh
// buffer per 16 KB of output, and a 108 MP PNG inflates to 324 MB of them; how soon the worker
// collects that garbage depends on the rest of the page, and in one test the browser's resident
// memory grew by 0.4-1.3 GB while decoding one PNG (+0.1 GB with this inflater).

const LBASE = Uint16Array.of(3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258);
const LEXT = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0);
const DBASE = Uint16Array.of(1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577);
const DEXT = Uint8Array.of(0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13);
const CL_ORDER = Uint8Array.of(16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15);

const WIN = 1 << 15; // deflate's history: a distance is at most 32768
const MAX_MATCH = 258;

/** A Huffman code as one lookup table indexed by the next `bits` input bits (LSB first): entry = symbol << 4 | code length, 0 = no code. */
interface Table {
  t: Int32Array;
  bits: number;
}

function buildTable(lens: Uint8Array, what: string): Table {
  const count = new Uint16Array(16);
  let max = 0;
  for (const l of lens) {
    count[l]++;
    if (l > max) max = l;
  }
  count[0] = 0;
  // over-subscribed codes are invalid; incomplete ones are allowed (a lone distance code), and
  // reading an unassigned code is an error at that point
  let left = 1;
  for (let l = 1; l <= 15; l++) {
    left = (left << 1) - count[l];
    if (left < 0) throw new Error(`deflate: over-subscribed ${what} code`);
  }
  const next = new Uint16Array(16);
  for (let l = 1, code = 0; l <= 15; l++) {
    code = (code + count[l - 1]) << 1;
    next[l] = code;
  }
  const bits = Math.max(1, max);
  const t = new Int32Array(1 << bits);
  for (let sym = 0; sym < lens.length; sym++) {
    const l = lens[sym];
    if (!l) continue;
    let code = next[l]++, rev = 0;
    for (let i = 0; i < l; i++, code >>= 1) rev = (rev << 1) | (code & 1);
    for (let i = rev; i < t.length; i += 1 << l) t[i] = (sym << 4) | l;
  }
  return { t, bits };
}

let fixed: { lit: Table; dist: Table } | null = null;
function fixedTables() {
  if (!fixed) {
    const l = new Uint8Array(288);
    l.fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280, 288);
    fixed = { lit: buildTable(l, 'literal/length'), dist: buildTable(new Uint8Array(30).fill(5), 'distance') };
  }
  return fixed;
}

/**
 * Inflate a zlib stream given as one or more parts (a PNG's IDAT chunks, in order), calling
 * `onData` with views of the output in order. A view is valid only during the call (the window is
 * reused). `onData` may return true to stop early (the rest is then not checked). Throws on corrupt
 * or truncated data and on an Adler-32 mismatch.
 */
export function inflateZlib(parts: Uint8Array[], onData: (view: Uint8Array) => boolean | void): void {
  const input = parts.filter((p) => p.length > 0);
  let pi = 0, pos = 0, pad = 0; // pad: zero bytes fed past the end (an error once their bits are used)
  let bitbuf = 0, bitcnt = 0;
  const refill = (need: number) => {
    while (bitcnt < need) {
      let v = 0;
      if (pi < input.length) {
        v = input[pi][pos++];
        if (pos === input[pi].length) { pi++; pos = 0; }
      } else pad++;
      bitbuf |= v << bitcnt;
      bitcnt += 8;
    }
  };
  const used = () => {
    if (pad * 8 > bitcnt) throw new Error('deflate: data truncated');
  };
  const bits = (n: number): number => {
    if (n === 0) return 0;
    refill(n);
    const v = bitbuf & ((1 << n) - 1);
    bitbuf >>>= n;
    bitcnt -= n;
    used();
    return v;
  };
  const decode = (tb: Table): number => {
    refill(tb.bits);
    const e = tb.t[bitbuf & ((1 << tb.bits) - 1)];
    const l = e & 15;
    if (l === 0) throw new Error('deflate: invalid code');
    bitbuf >>>= l;
    bitcnt -= l;
    used();
    return e >> 4;
  };

  // zlib header: deflate, window <= 32 KB, header checksum, no preset dictionary
  const cmf = bits(8), flg = bits(8);
  if ((cmf & 15) !== 8 || cmf >> 4 > 7) throw new Error('zlib: not a deflate stream');
  if (((cmf << 8) | flg) % 31 !== 0) throw new Error('zlib: header checksum');
  if (flg & 32) throw new Error('zlib: preset dictionary not supported');

  const out = new Uint8Array(2 * WIN + MAX_MATCH);
  let op = 0, from = 0, stopped = false;
  let a = 1, b = 0; // Adler-32 of what was handed on
  const emit = () => {
    if (op === from || stopped) return;
    const v = out.subarray(from, op);
    // summed in locals: a captured variable above 2^30 would be boxed on every write (a heap
    // number per byte, and the garbage collector busy on other threads)
    let sa = a, sb = b;
    for (let i = 0; i < v.length;) {
      // zlib's NMAX: the sums stay exact between reductions
      const end = Math.min(v.length, i + 5552);
      for (; i < end; i++) { sa += v[i]; sb += sa; }
      sa %= 65521; sb %= 65521;
    }
    a = sa; b = sb;
    if (onData(v) === true) stopped = true;
    from = op;
  };
  // keep the last 32 KB as history, hand on the rest: called when a whole match may not fit
  const slide = () => {
    emit();
    out.copyWithin(0, op - WIN, op);
    op = from = WIN;
  };

  let last = 0;
  while (!last && !stopped) {
    last = bits(1);
    const type = bits(2);
    if (type === 0) {
      bitbuf >>>= bitcnt & 7; // to a byte boundary
      bitcnt -= bitcnt & 7;
      const len = bits(16), nlen = bits(16);
      if ((len ^ 0xffff) !== nlen) throw new Error('deflate: stored block length check');
      for (let k = 0; k < len; k++) {
        if (op >= 2 * WIN) slide();
        out[op++] = bits(8);
      }
      continue;
    }
    let lit: Table, dist: Table;
    if (type === 1) ({ lit, dist } = fixedTables());
    else if (type === 2) {
      const nlit = bits(5) + 257, ndist = bits(5) + 1, ncl = bits(4) + 4;
      if (nlit > 286 || ndist > 30) throw new Error('deflate: too many codes');
      const cl = new Uint8Array(19);
      for (let i = 0; i < ncl; i++) cl[CL_ORDER[i]] = bits(3);
      const clt = buildTable(cl, 'code length');
      const lens = new Uint8Array(nlit + ndist);
      for (let i = 0; i < lens.length;) {
        const s = decode(clt);
        if (s < 16) { lens[i++] = s; continue; }
        let rep: number, v = 0;
        if (s === 16) {
          if (i === 0) throw new Error('deflate: repeat with no previous length');
          v = lens[i - 1];
          rep = 3 + bits(2);
        } else rep = s === 17 ? 3 + bits(3) : 11 + bits(7);
        if (i + rep > lens.length) throw new Error('deflate: code lengths overflow');
        lens.fill(v, i, i + rep);
        i += rep;
      }
      if (lens[256] === 0) throw new Error('deflate: no end-of-block code');
      lit = buildTable(lens.subarray(0, nlit), 'literal/length');
      dist = buildTable(lens.subarray(nlit), 'distance');
    } else throw new Error('deflate: invalid block type');

    for (;;) {
      if (op >= 2 * WIN) {
        slide();
        if (stopped) break;
      }
      const s = decode(lit);
      if (s < 256) { out[op++] = s; continue; }
      if (s === 256) break;
      const li = s - 257;
      if (li >= 29) throw new Error('deflate: invalid length code');
      const len = LBASE[li] + bits(LEXT[li]);
      const di = decode(dist);
      if (di >= 30) throw new Error('deflate: invalid distance code');
      const d = DBASE[di] + bits(DEXT[di]);
      if (d > op) throw new Error('deflate: distance too far back');
      let src = op - d;
      if (d >= len) out.copyWithin(op, src, src + len);
      else for (let k = 0; k < len; k++) out[op + k] = out[src++]; // overlapping: a run
      op += len;
    }
  }
  emit();
  if (stopped) return;
  // Adler-32 trailer, big-endian, after the byte boundary
  bitbuf >>>= bitcnt & 7;
  bitcnt -= bitcnt & 7;
  const sum = ((bits(8) << 24) | (bits(8) << 16) | (bits(8) << 8) | bits(8)) >>> 0;
  if (sum !== ((b << 16) | a) >>> 0) throw new Error('zlib: Adler-32 mismatch');
}
