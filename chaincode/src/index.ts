/**
 * RDX chaincode entry: fabric-shim loads `contracts` from this module (package.json `main`).
 */
import 'reflect-metadata';
import { SystemContract } from './contracts/system-contract';

export { SystemContract } from './contracts/system-contract';
export { RdxError, ErrorCode } from './lib/errors';
export { EVENTS } from './lib/events';

export const contracts: (typeof SystemContract)[] = [SystemContract];
