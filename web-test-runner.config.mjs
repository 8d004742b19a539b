// Browser tests: real headless Chromium (Debian's), real IndexedDB, real onnxruntime-web.
import { chromeLauncher } from '@web/test-runner-chrome';
import { defaultReporter, summaryReporter } from '@web/test-runner';
import { countingReporter } from './tools/wtr/counting-reporter.mjs';
import { zooscoutCommands } from './tools/wtr/commands.mjs';
import { serverPlugins, serverMiddleware, nodeResolve, chromiumPath, chromiumArgs, webgpuArgs } from './tools/wtr/server.mjs';

export default {
  files: ['src/**/*.browser.test.ts', 'test/**/*.browser.test.ts', '!**/*.webgpu.browser.test.ts'],
  nodeResolve,
  rootDir: '.',
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 60000,
  testsStartTimeout: 120000,
  testsFinishTimeout: 900000,
  testFramework: { config: { timeout: 180000 } },
  middleware: serverMiddleware,
  plugins: [...serverPlugins(), zooscoutCommands()],
  browsers: [chromeLauncher({ launchOptions: { executablePath: chromiumPath, headless: true, args: chromiumArgs } })],
  // WebGPU from SwiftShader (software Vulkan): the default browser has no adapter at all (the
  // missing-GPU path); this group has one, to test WebGPU use and its checks.
  groups: [
    {
      name: 'webgpu',
      files: ['src/**/*.webgpu.browser.test.ts', 'test/**/*.webgpu.browser.test.ts'],
      browsers: [chromeLauncher({ launchOptions: { executablePath: chromiumPath, headless: true, args: [...chromiumArgs, ...webgpuArgs] } })],
    },
  ],
  reporters: [defaultReporter(), summaryReporter({ flatten: false }), countingReporter('test-results/browser.json')],
};
