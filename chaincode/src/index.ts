/**
 * RDX chaincode entry: fabric-shim loads `contracts` from this module (package.json `main`, which the shim
 * reads itself). One contract per concern; function names are called as `<contract>:<Function>`. Other
 * packages import `./api` instead (the package's `exports`), which loads no contract.
 */
import 'reflect-metadata';
import { AgreementContract } from './contracts/agreement-contract';
import { ApplicationContract } from './contracts/application-contract';
import { AuditContract } from './contracts/audit-contract';
import { CatalogContract } from './contracts/catalog-contract';
import { ComplaintContract } from './contracts/complaint-contract';
import { DutyContract } from './contracts/duty-contract';
import { EnterpriseContract } from './contracts/enterprise-contract';
import { GrantContract } from './contracts/grant-contract';
import { PlatformContract } from './contracts/platform-contract';
import { QueryContract } from './contracts/query-contract';
import { SystemContract } from './contracts/system-contract';

export * from './api';

export const contracts = [
  SystemContract,
  PlatformContract,
  EnterpriseContract,
  CatalogContract,
  ApplicationContract,
  AgreementContract,
  GrantContract,
  ComplaintContract,
  DutyContract,
  AuditContract,
  QueryContract,
];
