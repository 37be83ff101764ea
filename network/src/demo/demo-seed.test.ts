import { expect } from 'chai';
import { demoUploadOutcome } from './demo-seed.js';

describe('the demo seed uploading a demo version to the gateway', () => {
  it('takes a newer version served (one a body loaded since) as done: a start goes on instead of exiting 2', () => {
    expect(demoUploadOutcome(200, undefined)).to.equal('loaded');
    expect(demoUploadOutcome(201, undefined)).to.equal('loaded');
    // "Version v1 of transport-stations is older than the version served (v2)."
    expect(demoUploadOutcome(409, 'INVALID_STATE')).to.equal('loaded');
  });

  it('asks again while the gateway has not seen the recording, and stops at any other refusal', () => {
    expect(demoUploadOutcome(404, 'NOT_FOUND')).to.equal('not yet');
    for (const [status, code] of [
      [409, 'VERSION_CONFLICT'],
      [400, 'BAD_REQUEST'],
      [401, 'SIGNATURE_INVALID'],
      [503, 'STORE_UNAVAILABLE'],
      [502, undefined],
    ] as const)
      expect(demoUploadOutcome(status, code), `${status} ${code}`).to.equal('refused');
  });
});
