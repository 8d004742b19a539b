// The supported-operator list against what onnxruntime-web actually ships, and against the ops of
// the project's own models.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { readGraph } from '../hardware/shared/onnx.ts';
import { MS_OPS, ONNX_OPS, opSupported } from './shared/ops.ts';

/** The printable strings of a binary (what `strings` prints), one a line. */
function strings(b: Uint8Array): string {
  return new TextDecoder('latin1').decode(b).split(/[^\x20-\x7e]+/).filter((x) => x.length >= 2).join('\n') + '\n';
}

test('every listed op name is in the string table of onnxruntime-web\'s WASM binary', () => {
  const wasm = 'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm';
  const text = strings(new Uint8Array(readFileSync(wasm)));
  // Kernel registrations keep the op name as a NUL-terminated string, but the linker merges a
  // string into the tail of a longer one ("Conv" ends "QLinearConv"), so a name counts as found
  // when a string ends with it or has it as a whole word (kernel names such as
  // "onnxruntime::GatherND::Compute", messages such as "... for TopK operator"). Evidence, not
  // proof of a registered kernel; it catches a name dropped or misspelt.
  const found = (op: string) => text.includes(`${op}\n`) || new RegExp(`(^|[^A-Za-z0-9_])${op}($|[^A-Za-z0-9_])`, 'm').test(text);
  const missing = [...ONNX_OPS, ...MS_OPS].filter((op) => !found(op));
  assert.deepEqual(missing, [], `not in ${wasm}: ${missing.join(', ')}`);
  // and the check can fail: made-up names are not found
  assert.equal(found('ZooScoutUnknownOp'), false);
  assert.equal(found('SpectralNormFoo'), false);
  assert.equal(found('Frobnicate'), false);
});

test('every op of the project\'s models is supported; domains are respected', () => {
  const files = readdirSync('models/zoo').filter((f) => f.endsWith('.onnx')).map((f) => `models/zoo/${f}`);
  for (const f of ['mobilenetv2-12-int8.onnx', 'shufflenet-v2-12-qdq.onnx', 'SqueezeNet_fp16.onnx']) if (existsSync(`models/encoders/${f}`)) files.push(`models/encoders/${f}`);
  const seen = new Set<string>();
  for (const f of files) {
    for (const n of readGraph(new Uint8Array(readFileSync(f))).nodes) {
      assert.ok(opSupported(n.op, n.domain), `${f}: ${n.domain ? n.domain + '.' : ''}${n.op}`);
      seen.add(`${n.domain ?? ''}:${n.op}`);
    }
  }
  assert.ok(seen.has(':Conv') && seen.has(':Gemm'), [...seen].join(' '));
  assert.equal(opSupported('QLinearAdd', 'com.microsoft'), true);
  assert.equal(opSupported('QLinearAdd'), false, 'QLinearAdd is a contrib op, not ai.onnx');
  assert.equal(opSupported('Conv', 'ai.onnx'), true);
  assert.equal(opSupported('Conv', 'com.example'), false);
  assert.equal(opSupported('ZooScoutUnknownOp'), false);
});
