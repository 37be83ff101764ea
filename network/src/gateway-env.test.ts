/**
 * Where the gateways the tooling starts serve their metrics: the platform's where the operator said (or its port
 * + 20), every other one (the bench's, the tests') at + 20 from its own port, whatever the operator set, so two
 * gateways on one host never ask for the same metrics port.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './config.js';
import type { NetworkContext } from './context.js';
import { topologyFor } from './context.js';
import { Paths } from './paths.js';
import { gatewayEnv, gatewayMetricsUrl } from './platform.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe("the gateways' metrics ports", () => {
  let home: string;
  const saved = process.env.RDX_GATEWAY_METRICS_PORT;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-gateway-env-'));
  });
  afterEach(() => {
    fs.rmSync(home, { recursive: true, force: true });
    if (saved === undefined) delete process.env.RDX_GATEWAY_METRICS_PORT;
    else process.env.RDX_GATEWAY_METRICS_PORT = saved;
  });

  const contextFor = (env: NodeJS.ProcessEnv): NetworkContext =>
    ({
      paths: new Paths(home, repoRoot),
      topology: topologyFor(loadConfig({ RDX_HOME: home, RDX_GATEWAY_PORT: '3200', ...env })),
      config: { repoRoot },
      log: () => undefined,
    }) as unknown as NetworkContext;
  const other = { id: 'bench-a', port: 3201, dataDir: path.join(os.tmpdir(), 'rdx-bench-a-unused') };

  it("the platform's at its port + 20 and another's at + 20 from its own, unless told", () => {
    const ctx = contextFor({});
    expect(gatewayEnv(ctx).RDX_GATEWAY_METRICS_PORT).to.equal('3220');
    expect(gatewayMetricsUrl(ctx)).to.equal('http://127.0.0.1:3220');
    expect(gatewayEnv(ctx, other).RDX_GATEWAY_METRICS_PORT).to.equal('3221');
    expect(gatewayMetricsUrl(ctx, other.port)).to.equal('http://127.0.0.1:3221');
  });

  it("the operator's RDX_GATEWAY_METRICS_PORT moves the platform's only", () => {
    process.env.RDX_GATEWAY_METRICS_PORT = '9464';
    const ctx = contextFor({ RDX_GATEWAY_METRICS_PORT: '9464' });
    expect(gatewayEnv(ctx).RDX_GATEWAY_METRICS_PORT).to.equal('9464');
    expect(gatewayMetricsUrl(ctx)).to.equal('http://127.0.0.1:9464');
    expect(gatewayEnv(ctx, other).RDX_GATEWAY_METRICS_PORT, 'not the same port twice').to.equal('3221');
  });

  it('refuses anything but a port by name', () => {
    for (const bad of ['off', '0', '70000'])
      expect(() => loadConfig({ RDX_HOME: home, RDX_GATEWAY_METRICS_PORT: bad }), bad).to.throw(
        /RDX_GATEWAY_METRICS_PORT must be an integer from 1 to 65535/,
      );
  });
});
