// Loaded by every package's .mocharc.json before its tests: chai learns promise assertions
// (`await expect(p).to.be.rejectedWith(SomeError, /message/)`).
import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';

chai.use(chaiAsPromised);
