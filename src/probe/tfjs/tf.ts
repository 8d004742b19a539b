// tfjs entry used by the probe. The package's ESM entry pulls CommonJS dependencies (long,
// seedrandom) that the test runner's dev server cannot serve untransformed; the prebuilt
// self-contained ESM bundle works in Vite, in @web/test-runner and in Node alike.
import * as tf from '@tensorflow/tfjs/dist/tf.fesm.js';

export { tf };
