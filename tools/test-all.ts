// `npm test`: the Node runner (pure modules, Node glue) then the browser runner (headless
// Chromium), summed into one line `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts') && !name.endsWith('.browser.test.ts')) out.push(p);
  }
  return out;
}

const only = process.argv[2]; // 'node' | 'browser' | undefined (both)
let passed = 0;
let failed = 0;

// weights first: Node and browser tests both run the real encoders
const setup = spawnSync(process.execPath, ['--import', 'tsx', 'tools/setup-models.ts'], { stdio: 'inherit' });
if (setup.status !== 0) failed++;

if (only !== 'browser') {
  const files = [...walk('src'), ...walk('tools'), ...walk('test')].sort();
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', ...files], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  const p = /^# pass (\d+)/m.exec(r.stdout);
  const f = /^# fail (\d+)/m.exec(r.stdout);
  const np = p ? Number(p[1]) : 0;
  const nf = f ? Number(f[1]) : 1;
  console.log(`node runner: ${np} passed, ${nf} failed`);
  passed += np;
  failed += nf + (r.status !== 0 && nf === 0 ? 1 : 0);
}

if (only !== 'node') {
  // the default group (WASM, no GPU) and the SwiftShader WebGPU group one after the other:
  // together they would fight over the cores
  const counts = { passed: 0, failed: 0 };
  for (const group of ['default', 'webgpu']) {
    rmSync('test-results/browser.json', { force: true });
    const wtr = join('node_modules', '@web', 'test-runner', 'dist', 'bin.js');
    const r = spawnSync(process.execPath, ['--import', 'tsx', wtr, '--group', group, ...process.argv.slice(3)], { stdio: 'inherit' });
    let c = { passed: 0, failed: 1 };
    if (existsSync('test-results/browser.json')) c = JSON.parse(readFileSync('test-results/browser.json', 'utf8'));
    if (r.status !== 0 && c.failed === 0) c.failed = 1;
    console.log(`browser runner (${group}): ${c.passed} passed, ${c.failed} failed`);
    counts.passed += c.passed;
    counts.failed += c.failed;
  }
  console.log(`browser runner: ${counts.passed} passed, ${counts.failed} failed`);
  passed += counts.passed;
  failed += counts.failed;
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
