import { ENTERPRISE_ACTION_FIELDS, ENTERPRISE_ACTION_FUNCTIONS } from '../models/input-fields';
import { C, World } from '../testing/world';

describe('signed enterprise actions: each function takes its action and that action body’s fields only', () => {
  for (const [key, action] of Object.entries(ENTERPRISE_ACTION_FUNCTIONS)) {
    it(`${key} refuses a field ${action} does not take, naming it and the fields it takes`, async () => {
      const w = await World.create();
      const [contract, fn] = key.split(':') as [keyof typeof C, string];
      const fields = ENTERPRISE_ACTION_FIELDS[action];
      // Every field the action takes, and one more: refused before anything else is read.
      const body: Record<string, unknown> = Object.fromEntries(fields.map((f) => [f, `${f} of ${action}`]));
      body.remarks = 'not a field of any action';
      const takes = `${fields.slice(0, -1).join(', ')} and ${fields.at(-1)}`;
      await w.refused(
        () => w.asEnterprise(w.aa, C[contract], fn, action, body),
        'INVALID_ARGUMENT',
        new RegExp(`request\\.body has an unknown field "remarks": it takes ${takes}$`),
      );
    });
  }
});
