// Browser tests: real headless Chromium (Debian's), real IndexedDB, real onnxruntime-web.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { defaultReporter, summaryReporter } from '@web/test-runner';
import { countingReporter } from './tools/wtr/counting-reporter.mjs';
import { zooscoutCommands } from './tools/wtr/commands.mjs';
import { ortAssets, isolationHeaders } from './tools/wtr/middleware.mjs';

const executablePath = process.env.CHROME_PATH || '/usr/bin/chromium';

export default {
  files: ['src/**/*.browser.test.ts', 'test/**/*.browser.test.ts'],
  nodeResolve: { exportConditions: ['browser', 'import', 'default'] },
  rootDir: '.',
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 60000,
  testsStartTimeout: 120000,
  testsFinishTimeout: 600000,
  testFramework: { config: { timeout: 180000 } },
  middleware: [isolationHeaders, ortAssets],
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }), zooscoutCommands()],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--disable-quic',
          '--no-first-run',
        ],
      },
    }),
  ],
  reporters: [defaultReporter(), summaryReporter({ flatten: false }), countingReporter('test-results/browser.json')],
};
