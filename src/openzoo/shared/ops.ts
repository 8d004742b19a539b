// The operators a user's ONNX model may use: those onnxruntime-web's WASM build (the CPU execution
// provider compiled to WebAssembly) has kernels for.
//
// Where the list comes from: onnxruntime-web ships no operator list for its WASM backend (its docs/
// folder has the WebGL, WebGPU and WebNN lists only). The WASM backend is onnxruntime's CPU
// execution provider, whose kernels are listed in onnxruntime's docs/OperatorKernels.md
// ("Operators implemented by CPUExecutionProvider", domains ai.onnx and com.microsoft). The lists
// below are the ops of that table that image models use or may plausibly contain (sequence, string
// and training-only ops left out), plus every op of the project's own models (models/zoo/*.onnx,
// models/encoders/*.onnx). src/openzoo/ops.test.ts checks each name against the string table of
// node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm (the kernel registrations keep the
// op names as strings), so an op dropped from a future WASM build fails that test.
//
// FUNCTION_OPS are ONNX functions: onnxruntime expands their function body into kernels it has
// when it has no kernel of its own, so they need no kernel name in the binary.

/** ai.onnx (default domain) ops with CPU kernels in onnxruntime. */
export const ONNX_OPS: readonly string[] = [
  // elementwise maths and activations
  'Abs', 'Acos', 'Acosh', 'Add', 'And', 'Asin', 'Asinh', 'Atan', 'Atanh', 'BitShift', 'Ceil', 'Celu', 'Clip',
  'Cos', 'Cosh', 'Div', 'Elu', 'Equal', 'Erf', 'Exp', 'Floor', 'Gelu', 'Greater', 'GreaterOrEqual',
  'HardSigmoid', 'HardSwish', 'Hardmax', 'IsInf', 'IsNaN', 'LeakyRelu', 'Less', 'LessOrEqual', 'Log',
  'Max', 'Mean', 'Min', 'Mod', 'Mul', 'Neg', 'Not', 'Or', 'PRelu', 'Pow', 'Reciprocal', 'Relu',
  'Round', 'Selu', 'Shrink', 'Sigmoid', 'Sign', 'Sin', 'Sinh', 'Softplus', 'Softsign', 'Sqrt', 'Sub', 'Sum',
  'Tan', 'Tanh', 'ThresholdedRelu', 'Where', 'Xor',
  // convolution, pooling, normalisation
  'AveragePool', 'BatchNormalization', 'Conv', 'ConvTranspose', 'DepthToSpace', 'GlobalAveragePool',
  'GlobalLpPool', 'GlobalMaxPool', 'InstanceNormalization', 'LayerNormalization', 'LpNormalization', 'LpPool',
  'LRN', 'MaxPool', 'MaxRoiPool', 'MaxUnpool', 'MeanVarianceNormalization', 'RoiAlign', 'SpaceToDepth',
  'GridSample', 'AffineGrid', 'Col2Im', 'DeformConv',
  // linear algebra
  'Einsum', 'Gemm', 'MatMul', 'MatMulInteger', 'ConvInteger', 'Det',
  // quantisation
  'QuantizeLinear', 'DequantizeLinear', 'DynamicQuantizeLinear', 'QLinearConv', 'QLinearMatMul',
  // reductions, softmax
  'ArgMax', 'ArgMin', 'CumSum', 'LogSoftmax', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp',
  'ReduceMax', 'ReduceMean', 'ReduceMin', 'ReduceProd', 'ReduceSum', 'ReduceSumSquare', 'Softmax', 'TopK',
  // shapes, indexing, constants
  'Cast', 'Compress', 'Concat', 'Constant', 'ConstantOfShape', 'Dropout', 'Expand', 'EyeLike', 'Flatten',
  'Gather', 'GatherElements', 'GatherND', 'Identity', 'NonZero', 'OneHot', 'Pad', 'Range', 'Reshape', 'Resize',
  'ReverseSequence', 'Scatter', 'ScatterElements', 'ScatterND', 'Shape', 'Size', 'Slice', 'Split', 'Squeeze',
  'Tile', 'Transpose', 'Trilu', 'Unique', 'Unsqueeze', 'Upsample', 'NonMaxSuppression',
  // control flow and recurrent layers
  'If', 'Loop', 'Scan', 'GRU', 'LSTM', 'RNN',
  // random
  'RandomNormal', 'RandomNormalLike', 'RandomUniform', 'RandomUniformLike', 'Multinomial', 'Bernoulli',
];

/** ONNX function ops: expanded by onnxruntime from their function body when it has no kernel. */
export const FUNCTION_OPS: readonly string[] = ['CastLike', 'Mish', 'GroupNormalization', 'CenterCropPad', 'Swish'];

/** com.microsoft contrib ops with CPU kernels in onnxruntime (quantised and fused ops of exported/optimised models). */
export const MS_OPS: readonly string[] = [
  'QLinearAdd', 'QLinearMul', 'QLinearAveragePool', 'QLinearGlobalAveragePool', 'QLinearConcat',
  'QLinearLeakyRelu', 'QLinearSigmoid', 'QLinearSoftmax', 'QLinearConv', 'QGemm',
  'QuantizeLinear', 'DequantizeLinear', 'DynamicQuantizeMatMul', 'MatMulIntegerToFloat', 'MatMulInteger16',
  'FusedConv', 'FusedGemm', 'FusedMatMul', 'NhwcMaxPool',
  'Gelu', 'FastGelu', 'BiasGelu', 'QuickGelu', 'SkipLayerNormalization', 'EmbedLayerNormalization',
  'Attention', 'MultiHeadAttention', 'RotaryEmbedding', 'MatMulNBits',
  'GridSample', 'CropAndResize', 'ExpandDims', 'Inverse', 'MaxpoolWithMask', 'Range', 'Trilu', 'Unique',
];

const DEFAULT = new Set([...ONNX_OPS, ...FUNCTION_OPS]);
const MS = new Set(MS_OPS);

/** The domain as onnxruntime sees it: '' and 'ai.onnx' are the default domain. */
export const normDomain = (d: string | undefined) => (!d || d === 'ai.onnx' ? '' : d);

/** Is this (domain, op type) pair runnable by onnxruntime-web's WASM backend? */
export function opSupported(op: string, domain?: string): boolean {
  const d = normDomain(domain);
  if (d === '') return DEFAULT.has(op);
  if (d === 'com.microsoft') return MS.has(op);
  return false;
}

/** 'Conv' for the default domain, 'com.microsoft.QLinearAdd' otherwise. */
export const opName = (op: string, domain?: string) => (normDomain(domain) ? `${normDomain(domain)}.${op}` : op);
