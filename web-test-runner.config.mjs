// Browser tests: real headless Chromium (Debian's), real IndexedDB, real onnxruntime-web.
import { chromeLauncher } from '@web/test-runner-chrome';
import { defaultReporter, summaryReporter } from '@web/test-runner';
import { countingReporter } from './tools/wtr/counting-reporter.mjs';
import { zooscoutCommands } from './tools/wtr/commands.mjs';
import { serverPlugins, serverMiddleware, nodeResolve, chromiumPath, chromiumArgs } from './tools/wtr/server.mjs';

export default {
  files: ['src/**/*.browser.test.ts', 'test/**/*.browser.test.ts'],
  nodeResolve,
  rootDir: '.',
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 60000,
  testsStartTimeout: 120000,
  testsFinishTimeout: 600000,
  testFramework: { config: { timeout: 180000 } },
  middleware: serverMiddleware,
  plugins: [...serverPlugins(), zooscoutCommands()],
  browsers: [chromeLauncher({ launchOptions: { executablePath: chromiumPath, headless: true, args: chromiumArgs } })],
  reporters: [defaultReporter(), summaryReporter({ flatten: false }), countingReporter('test-results/browser.json')],
};
