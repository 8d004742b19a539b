// The bundle has the same API as the package entry.
declare module '@tensorflow/tfjs/dist/tf.fesm.js' {
  export * from '@tensorflow/tfjs';
}
