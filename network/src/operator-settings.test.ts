import { expect } from 'chai';
import { withOperatorSettings } from './operator-settings.js';

describe('the settings a platform process starts with', () => {
  it("carries the operator's RDX_ settings, nothing else of the environment, and the platform's own over them", () => {
    const env = withOperatorSettings(
      { PATH: '/bin', RDX_GATEWAY_PORT: '3000', RDX_GATEWAY_DATA: '/home/.rdx/gateway/gw1' },
      {
        RDX_CORS_ORIGINS: 'https://portal.example.cn',
        RDX_RATE_REFUSAL_DELAY_MS: '0',
        RDX_GATEWAY_PORT: '9999',
        HOME: '/root',
        AWS_SECRET_ACCESS_KEY: 'not for the gateway',
      },
    );
    expect(env).to.deep.equal({
      PATH: '/bin',
      RDX_CORS_ORIGINS: 'https://portal.example.cn',
      RDX_RATE_REFUSAL_DELAY_MS: '0',
      RDX_GATEWAY_PORT: '3000',
      RDX_GATEWAY_DATA: '/home/.rdx/gateway/gw1',
    });
  });
});
