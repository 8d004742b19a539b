// The bundle has the same API as the package entry.
declare module '@tensorflow/tfjs/dist/tf.fesm.js' {
  export * from '@tensorflow/tfjs';
}

// The backends' self-contained bundles (src/probe/tfjs/backends.ts), same API as their entries.
declare module '@tensorflow/tfjs-backend-webgpu/dist/tf-backend-webgpu.fesm.js' {
  export * from '@tensorflow/tfjs-backend-webgpu';
}
declare module '@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.fesm.js' {
  export * from '@tensorflow/tfjs-backend-wasm';
}
