// Adds the `embedding` output to an ONNX model without re-serialising it.
// Protobuf merges repeated occurrences of a message field, so appending a second ModelProto.graph
// (field 7) holding only the new nodes and output extends the original graph: every original
// byte and output stays as it was (logits unchanged), and no protobuf library is needed.
import type { EmbeddingRecipe } from './manifest.ts';
import { varint, tag } from '../../shared/protobuf.ts';

const enc = new TextEncoder();

export const lenField = (field: number, body: number[]) => [...tag(field, 2), ...varint(body.length), ...body];
const strField = (field: number, s: string) => lenField(field, [...enc.encode(s)]);
const intField = (field: number, n: number) => [...tag(field, 0), ...varint(n)];

// ONNX enums used here
const ATTR_INT = 2;
export const ELEM_FLOAT = 1;

export function attrInt(name: string, value: number): number[] {
  // AttributeProto: name=1, i=3, type=20
  return [...strField(1, name), ...intField(3, value), ...intField(20, ATTR_INT)];
}

export function node(op: string, inputs: string[], outputs: string[], name: string, attrs: number[][] = []): number[] {
  // NodeProto: input=1, output=2, name=3, op_type=4, attribute=5
  return [
    ...inputs.flatMap((i) => strField(1, i)),
    ...outputs.flatMap((o) => strField(2, o)),
    ...strField(3, name),
    ...strField(4, op),
    ...attrs.flatMap((a) => lenField(5, a)),
  ];
}

/** A float [N, dim] graph output; `dim` a number (fixed) or a name (symbolic). */
export function floatOutput(name: string, dim: number | string): number[] {
  // ValueInfoProto{name=1, type=2{tensor_type=1{elem_type=1, shape=2{dim=1{dim_param=2 | dim_value=1}}}}}
  const shape = [...lenField(1, strField(2, 'N')), ...lenField(1, typeof dim === 'number' ? intField(1, dim) : strField(2, dim))];
  const tensorType = [...intField(1, ELEM_FLOAT), ...lenField(2, shape)];
  return [...strField(1, name), ...lenField(2, lenField(1, tensorType))];
}

export const EMBEDDING_OUTPUT = 'embedding';

/** Graph additions for a recipe: the nodes and the new graph output, as a GraphProto body. */
export function embeddingGraphPatch(recipe: EmbeddingRecipe, dim: number): Uint8Array {
  const p = 'zooscout_embed';
  let nodes: number[][];
  switch (recipe.kind) {
    case 'dequantize':
      nodes = [
        node('DequantizeLinear', [recipe.tensor, recipe.scale, recipe.zeroPoint], [`${p}_dq`], `${p}_dq_node`),
        node('Flatten', [`${p}_dq`], [EMBEDDING_OUTPUT], `${p}_flatten`, [attrInt('axis', 1)]),
      ];
      break;
    case 'identity':
      nodes = [node('Identity', [recipe.tensor], [EMBEDDING_OUTPUT], `${p}_identity`)];
      break;
    case 'pool-cast':
      nodes = [
        node('GlobalAveragePool', [recipe.tensor], [`${p}_pool`], `${p}_pool_node`),
        node('Flatten', [`${p}_pool`], [`${p}_flat`], `${p}_flatten`, [attrInt('axis', 1)]),
        node('Cast', [`${p}_flat`], [EMBEDDING_OUTPUT], `${p}_cast`, [attrInt('to', ELEM_FLOAT)]),
      ];
      break;
  }
  // GraphProto: node=1, output=12
  return new Uint8Array([...nodes.flatMap((n) => lenField(1, n)), ...lenField(12, floatOutput(EMBEDDING_OUTPUT, dim))]);
}

/** The model bytes with a GraphProto body merged into its graph (ModelProto.graph is field 7). */
export function appendGraph(model: Uint8Array, graph: ArrayLike<number>): Uint8Array {
  const suffix = new Uint8Array(lenField(7, Array.from(graph)));
  const out = new Uint8Array(model.length + suffix.length);
  out.set(model, 0);
  out.set(suffix, model.length);
  return out;
}

/** The model bytes with the embedding output added. */
export function withEmbeddingOutput(model: Uint8Array, recipe: EmbeddingRecipe, dim: number): Uint8Array {
  return appendGraph(model, embeddingGraphPatch(recipe, dim));
}
