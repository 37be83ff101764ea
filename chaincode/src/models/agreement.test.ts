/** The usage report's due day (L7) counts from the China day, as every deadline does. */
import { expect } from 'chai';
import { nextUsageReportDue, openDuties } from './agreement';

describe('agreement duties', () => {
  it('the first usage report is due a quarter after the China day the agreement came into force', () => {
    // 2025-03-02T23:30Z is 07:30 on 3 March in China: the quarter counts from 3 March, not from 2 March (UTC).
    expect(nextUsageReportDue('2025-03-02T23:30:00.000Z')).to.equal('2025-06-03');
    expect(nextUsageReportDue('2025-03-03T02:00:00.000Z')).to.equal('2025-06-03');
    // After a report, a quarter after that report's China day.
    expect(nextUsageReportDue('2025-03-03T02:00:00.000Z', '2025-05-31T16:10:00.000Z')).to.equal('2025-09-01');
  });

  it('an agreement owes duties only while in force: a product until published, returns if it has a return list', () => {
    const inForce = {
      state: 'IN_FORCE' as const,
      inForceAt: '2025-03-03T02:00:00.000Z',
      productDeadline: '2025-06-03',
      dataReturn: true,
      dataReturnDue: '2025-06-03',
    };
    expect(openDuties(inForce).map((d) => d.type)).to.deep.equal(['product', 'data-return', 'usage-report']);
    expect(
      openDuties({ ...inForce, product: {} as never, dataReturn: false }).map((d) => d.type),
    ).to.deep.equal(['usage-report']);
    expect(openDuties({ ...inForce, state: 'TERMINATED' })).to.deep.equal([]);
    expect(openDuties({ ...inForce, state: 'DRAFT', inForceAt: undefined })).to.deep.equal([]);
  });
});
