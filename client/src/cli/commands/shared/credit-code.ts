/**
 * `rdx credit-code check <code>` tells whether a unified social credit code is well formed, and why not;
 * `rdx credit-code example` prints a random well-formed one (for walk-throughs and training networks).
 */
import { arg, defineCommand } from '../../command.js';
import { creditCodeProblem, exampleCreditCode } from '../../../sdk/inputs.js';
import { InputError } from '../../../sdk/errors.js';

export const creditCodeCheck = defineCommand({
  path: ['credit-code', 'check'],
  roles: ['anyone'],
  summary: '核验代码 check a unified social credit code (18 characters, GB 32100 check character)',
  args: ['<code>'],
  run(_ctx, inv) {
    const code = arg(inv, 0);
    const problem = creditCodeProblem(code);
    if (problem) throw new InputError('INVALID_ARGUMENT', `${code} ${problem}`);
    return Promise.resolve({ data: { creditCode: code, valid: true }, lines: [`${code}: well formed`] });
  },
});

export const creditCodeExample = defineCommand({
  path: ['credit-code', 'example'],
  roles: ['anyone'],
  summary: '示例代码 print a random well-formed credit code of a Lishui enterprise (for trials, never real)',
  run() {
    const code = exampleCreditCode();
    return Promise.resolve({ data: { creditCode: code }, lines: [code] });
  },
});
