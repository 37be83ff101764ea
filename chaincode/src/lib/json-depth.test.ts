import { expect } from 'chai';
import { ErrorCode, RdxError } from './errors';
import { jsonDepth, MAX_JSON_DEPTH } from './json-depth';
import { jsonArg } from './validate';

const nested = (levels: number, inside = ''): string => '['.repeat(levels) + inside + ']'.repeat(levels);

describe('the depth of a JSON argument', () => {
  it('counts a value as a level and each value inside an object or list as one more', () => {
    expect(jsonDepth(JSON.parse('1'))).to.equal(1);
    expect(jsonDepth(JSON.parse('[]'))).to.equal(1);
    expect(jsonDepth(JSON.parse('[1]'))).to.equal(2);
    expect(jsonDepth(JSON.parse('{"a":{},"b":[[null]]}'))).to.equal(4);
  });

  it('takes an argument of the limit and refuses one level more, naming the argument and the limit', () => {
    const at = `{"a":${nested(MAX_JSON_DEPTH - 2, '1')}}`;
    expect(jsonDepth(JSON.parse(at))).to.equal(MAX_JSON_DEPTH);
    expect(jsonArg(at, 'dataset')).to.be.an('object');
    const over = `{"a":${nested(MAX_JSON_DEPTH - 1, '1')}}`;
    expect(() => jsonArg(over, 'dataset'))
      .to.throw(RdxError, `dataset nests deeper than ${MAX_JSON_DEPTH} levels`)
      .with.property('code', ErrorCode.INVALID_ARGUMENT);
  });

  it('counts 200 000 nested lists without overflowing the stack', () => {
    expect(jsonDepth(JSON.parse(nested(200_000)))).to.be.above(MAX_JSON_DEPTH);
  });
});
