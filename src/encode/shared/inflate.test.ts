import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync, constants } from 'node:zlib';
import { inflateZlib } from './inflate.ts';

/** Inflate with views collected into one buffer, the input cut into parts of `cut` bytes (IDAT chunks). */
function inflate(z: Uint8Array, cut = Infinity): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < z.length; i += Math.min(cut, z.length)) parts.push(z.subarray(i, i + cut));
  const got: number[] = [];
  let largest = 0;
  inflateZlib(parts, (v) => {
    largest = Math.max(largest, v.length);
    for (const x of v) got.push(x);
  });
  // the output passes through the 64 KB window: no view is larger than it
  assert.ok(largest <= 65536 + 258, `a view of ${largest} bytes`);
  return Uint8Array.from(got);
}

// seeded data of several kinds: runs (long overlapping matches), text-like (short matches), noise (literals)
function data(kind: 'runs' | 'text' | 'noise' | 'rows', n: number, seed = 1): Uint8Array {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16) & 255;
  const out = new Uint8Array(n);
  const words = ['the ', 'model ', 'zoo ', 'scout ', 'image ', 'rank ', 'of ', 'a '];
  for (let i = 0; i < n;) {
    if (kind === 'runs') { const v = rnd(), l = 1 + (rnd() * 7); out.fill(v, i, Math.min(n, i + l)); i += l; }
    else if (kind === 'text') { for (const c of words[rnd() & 7]) if (i < n) out[i++] = c.charCodeAt(0); }
    else if (kind === 'rows') { out[i] = (i % 997) < 500 ? 220 : (i >> 4) & 63; i++; }
    else out[i++] = rnd();
  }
  return out;
}

for (const kind of ['runs', 'text', 'noise', 'rows'] as const) {
  for (const level of [0, 1, 6, 9]) {
    test(`inflate equals zlib: ${kind}, level ${level}, in one part and in 1000-byte parts`, () => {
      const raw = data(kind, 300_000, level + 7);
      const z = deflateSync(raw, { level });
      assert.deepEqual(inflate(z), raw);
      assert.deepEqual(inflate(z, 1000), raw);
    });
  }
}

test('inflate: fixed Huffman blocks, a 258-byte run at distance 1, empty input, one byte', () => {
  const raw = data('text', 100_000, 3);
  assert.deepEqual(inflate(deflateSync(raw, { strategy: constants.Z_FIXED })), raw);
  const run = new Uint8Array(200_000).fill(42);
  assert.deepEqual(inflate(deflateSync(run, { level: 9 })), run);
  assert.deepEqual(inflate(deflateSync(new Uint8Array(0))), new Uint8Array(0));
  assert.deepEqual(inflate(deflateSync(Uint8Array.of(7))), Uint8Array.of(7));
});

test('inflate: truncated, corrupted and wrong-checksum streams are errors, never silent', () => {
  const raw = data('text', 50_000, 5);
  const z = deflateSync(raw);
  assert.throws(() => inflate(z.subarray(0, z.length >> 1)), /truncated|invalid|distance/);
  const bad = Uint8Array.from(z);
  bad[bad.length - 1] ^= 1; // the Adler-32 trailer
  assert.throws(() => inflate(bad), /Adler-32/);
  assert.throws(() => inflate(Uint8Array.of(0x78, 0x9c ^ 1, 0, 0)), /header checksum/);
  assert.throws(() => inflate(deflateSync(raw, { level: 0 }).subarray(0, 1000)), /truncated/);
  const flipped = Uint8Array.from(z);
  flipped[40] ^= 0xff; // inside the compressed data: an error (a code, a distance or the checksum)
  assert.throws(() => inflate(flipped));
});

test('inflate: the consumer can stop early (a PNG whose rows are all in)', () => {
  const raw = data('rows', 500_000);
  let seen = 0;
  inflateZlib([deflateSync(raw)], (v) => { seen += v.length; return seen >= 100_000; });
  assert.ok(seen >= 100_000 && seen < raw.length, `stopped after ${seen} bytes`);
});
