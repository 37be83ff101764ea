/**
 * Who a signed admin request comes from: the role is the one the org's CA put in the certificate's attribute
 * extension, never text the requester wrote elsewhere in the certificate.
 */
import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { fabricAttributes } from '@rdx/client';
import { forgedAdminLocality } from '@rdx/client/testing/forged-subject';
import { testOrg } from '../testing/test-ca.js';

describe('the attributes of a Fabric CA certificate (fabricAttributes)', () => {
  const org = testOrg('LS-ATTRS');
  const cert = (role: string | undefined, locality?: string) =>
    new X509Certificate(org.identity(role, locality).certificatePem);

  it('reads the role the CA put in the attribute extension', () => {
    expect(fabricAttributes(cert('admin'))).to.deep.equal({ role: 'admin', 'hf.EnrollmentID': 'admin' });
    expect(fabricAttributes(cert(undefined))).to.deep.equal({ 'hf.EnrollmentID': 'none' });
  });

  it('a reviewer whose subject carries the extension’s bytes and an admin role is still a reviewer', () => {
    const forged = cert('reviewer', forgedAdminLocality());
    // The attack is in the certificate as issued: the forged bytes come before the real extension's.
    expect(forged.raw.indexOf(Buffer.from(forgedAdminLocality(), 'latin1'))).to.be.greaterThan(0);
    expect(fabricAttributes(forged).role).to.equal('reviewer');
    expect(fabricAttributes(cert(undefined, forgedAdminLocality())).role).to.equal(undefined);
  });

  it('a certificate without the extension has no attributes', () => {
    expect(fabricAttributes(new X509Certificate(org.rootPem))).to.deep.equal({});
  });
});
