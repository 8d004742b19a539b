// The test browser, one place for every launcher (wtr, benches, Playwright e2e): Debian Chromium run
// as root in a sandbox-less container, with no background traffic of its own.
export const chromiumPath = process.env.CHROME_PATH || '/usr/bin/chromium';
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

// WebGPU without a GPU: SwiftShader's software adapter
export const webgpuArgs = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-webgpu-adapter=swiftshader'];
