import { expect } from 'chai';
import { basicProfile } from './client/profile.ts';
import { gatherProfile } from './client/hardware-client.ts';

// Runs in the 'webgpu' group: Chromium with SwiftShader's software WebGPU adapter.
describe('hardware: device profile with a (software) WebGPU adapter', function () {
  this.timeout(120000);

  it('reports the SwiftShader adapter, its fallback flag and limits', async () => {
    const p = await basicProfile();
    expect(p.webgpu.available).to.equal(true);
    const a = p.webgpu.adapter!;
    console.log(`adapter: ${JSON.stringify({ vendor: a.vendor, architecture: a.architecture, device: a.device, description: a.description, isFallbackAdapter: a.isFallbackAdapter })}`);
    expect(`${a.vendor} ${a.architecture} ${a.description}`.toLowerCase()).to.match(/swiftshader|google/);
    expect(a.isFallbackAdapter).to.be.a('boolean');
    expect(a.limits.maxBufferSize).to.be.greaterThan(0);
    expect(a.limits.maxComputeWorkgroupSizeX).to.be.greaterThan(0);
  });

  it('runs a short WebGPU micro-benchmark (or says why not)', async () => {
    const { profile } = await gatherProfile({ budgetMs: 300, backends: ['webgpu'] });
    const m = profile.micro.webgpu!;
    console.log(`webgpu micro: ${JSON.stringify('error' in m ? m : { runMs: m.runMs, macsPerMs: m.macsPerMs })}`);
    if ('error' in m) expect(m.error).to.be.a('string').and.not.equal('');
    else {
      expect(m.backend).to.equal('webgpu');
      expect(m.runMs).to.be.greaterThan(0);
    }
  });
});
