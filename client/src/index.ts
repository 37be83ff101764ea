/** The RDX TypeScript SDK. */
export { GatewayClient, GatewayProblem, type Readiness } from './gateway-client.js';
