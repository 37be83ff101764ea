// Mocha reporter: the usual spec output, plus one JSON line of counts appended to $RDX_TEST_TALLY at the end of
// the run, so `npm test` can close with one summary line over every package's run. CommonJS because Mocha loads
// reporters synchronously.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

const { EVENT_RUN_END } = Mocha.Runner.constants;

class TallyReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const file = process.env.RDX_TEST_TALLY;
      if (!file) return;
      const { passes = 0, failures = 0, pending = 0 } = this.stats;
      const suite = process.env.RDX_TEST_SUITE || path.basename(process.cwd());
      fs.appendFileSync(file, `${JSON.stringify({ suite, passes, failures, pending })}\n`);
    });
  }
}

module.exports = TallyReporter;
