import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { readGraph, graphCost, writeModel, initializerPattern } from './onnx.ts';
import { microBenchProbes, structureOf, FAMILY_STRUCTURE } from './cost-model.ts';

const cat = JSON.parse(readFileSync('models/zoo/catalogue.json', 'utf8')) as {
  models: { id: string; family: string; file: string; macs: number; params: number }[];
};

test('graphCost gives the catalogue MACs of every zoo model exactly', () => {
  assert.ok(cat.models.length >= 4);
  for (const m of cat.models) {
    const c = graphCost(readGraph(readFileSync(`models/zoo/${m.file}`)));
    assert.equal(c.totalMacs, m.macs, m.id);
    assert.ok(Math.abs(c.params - m.params) / m.params < 0.05, `${m.id}: params ${c.params} vs ${m.params}`);
  }
});

test('the family tables are the structure of the zoo graphs (not latencies)', () => {
  for (const [fam, s] of Object.entries(FAMILY_STRUCTURE)) {
    const c = graphCost(readGraph(readFileSync(`models/zoo/${fam}-mnist.onnx`)));
    const g = structureOf(c);
    assert.equal(s.nodes, g.nodes, fam);
    for (const k of Object.keys(g.macFraction) as (keyof typeof g.macFraction)[]) {
      assert.ok(Math.abs(s.macFraction[k] - g.macFraction[k]) < 1e-3, `${fam} ${k}`);
    }
    assert.ok(Math.abs(s.activationsPerMac / g.activationsPerMac - 1) < 1e-3, fam);
    // every model of the family has the same structure up to its head
    for (const m of cat.models.filter((x) => x.family === fam)) {
      const o = structureOf(graphCost(readGraph(readFileSync(`models/zoo/${m.file}`))));
      assert.equal(o.nodes, s.nodes, m.id);
      assert.ok(Math.abs(o.macFraction.matmul - s.macFraction.matmul) < 0.03, m.id);
    }
  }
});

function convRef(x: Float32Array, w: Float32Array, b: Float32Array, cin: number, cout: number, k: number, hw: number, group: number): Float32Array {
  const y = new Float32Array(cout * hw * hw);
  const cpg = cin / group, opg = cout / group, p = (k - 1) / 2;
  for (let o = 0; o < cout; o++) {
    const g = Math.floor(o / opg);
    for (let i = 0; i < hw; i++) for (let j = 0; j < hw; j++) {
      let s = b[o];
      for (let c = 0; c < cpg; c++) for (let u = 0; u < k; u++) for (let v = 0; v < k; v++) {
        const ii = i + u - p, jj = j + v - p;
        if (ii < 0 || jj < 0 || ii >= hw || jj >= hw) continue;
        s += w[((o * cpg + c) * k + u) * k + v] * x[((g * cpg + c) * hw + ii) * hw + jj];
      }
      y[(o * hw + i) * hw + j] = s;
    }
  }
  return y;
}

const pattern = initializerPattern;

test('writeModel: the micro-benchmark graphs load in onnxruntime and compute what they say', async () => {
  for (const p of microBenchProbes()) {
    const bytes = writeModel(p.spec);
    const g = readGraph(bytes);
    assert.equal(g.nodes.length, p.nodes, p.name);
    assert.equal(graphCost(g, p.spec.inputs[0].dims.slice(1)).totalMacs, p.kind === 'matmul' ? p.macs / 16 : p.macs, p.name); // graphCost counts one row (batch 1) of the 16-row matmul
    const s = await ort.InferenceSession.create(bytes);
    const dims = p.spec.inputs[0].dims;
    const x = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i));
    const y = (await s.run({ x: new ort.Tensor('float32', x, dims) })).y;
    assert.deepEqual(y.dims, p.spec.outputs[0].dims, p.name);
    const out = y.data as Float32Array;
    const node = p.spec.nodes[0];
    if (node.op === 'Relu') for (let i = 0; i < 50; i++) assert.equal(out[i], Math.max(0, x[i]));
    else if (node.op === 'Conv') {
      const [wd, bd] = p.spec.initializers;
      const a = node.attrs!;
      const ref = convRef(x, pattern(wd.dims.reduce((q, r) => q * r, 1)), pattern(bd.dims[0]), dims[1], wd.dims[0], (a.kernel_shape as number[])[0], dims[2], a.group as number);
      for (let i = 0; i < ref.length; i += 97) assert.ok(Math.abs(ref[i] - out[i]) < 1e-3, `${p.name}[${i}] ${ref[i]} vs ${out[i]}`);
    } else {
      const w = pattern(256 * 256);
      for (const [r, c] of [[0, 0], [3, 17], [15, 255]]) {
        let sum = 0;
        for (let k = 0; k < 256; k++) sum += x[r * 256 + k] * w[k * 256 + c];
        assert.ok(Math.abs(sum - out[r * 256 + c]) < 1e-3, `matmul ${r},${c}`);
      }
    }
    await s.release();
  }
});
