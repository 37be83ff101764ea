/** For tests of the SDK's transport: the GatewayUnavailableError a call fails with. */
import { GatewayUnavailableError } from '../sdk/errors.js';

/** The GatewayUnavailableError `call` fails with; any other outcome fails the test. */
export async function unavailable(call: Promise<unknown>): Promise<GatewayUnavailableError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof GatewayUnavailableError) return err;
    throw err;
  }
  throw new Error('the call succeeded');
}
