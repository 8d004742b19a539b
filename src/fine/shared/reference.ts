// What the fine stage's page/Node parity reference holds (src/fine/fine-reference.json, written by
// tools/fine/reference.ts): one zoo model's features from onnxruntime-node, taken from its own
// `features` output, on real images decoded and preprocessed by the shared modules.
export const FINE_REFERENCE_MODEL = 'resnet-cifar100';
export const FINE_REFERENCE_IMAGES = [
  'datasets/pets/abyssinian/abyssinian_0000.jpg',
  'datasets/pets/beagle/beagle_0000.jpg',
  'datasets/pets/pug/pug_0000.jpg',
];

export interface FineReference {
  model: string;
  sha256: string;
  output: string;
  images: { path: string; features: number[] }[];
}
