// Import first in any Node entry that uses tfjs: the self-contained tfjs bundle's Node platform
// calls a free `require('util')`, which ESM scope lacks.
import { createRequire } from 'node:module';

const g = globalThis as { require?: unknown };
if (typeof g.require === 'undefined') g.require = createRequire(import.meta.url);
