// Import FIRST in Node entry points that load tfjs's self-contained ESM bundle (src/probe/tfjs/tf.ts):
// the bundle's Node platform calls a free `require('util')`, which ESM scope lacks.
import { createRequire } from 'node:module';

const g = globalThis as { require?: unknown };
if (typeof g.require === 'undefined') g.require = createRequire(import.meta.url);
