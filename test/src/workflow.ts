/**
 * Test fixtures on top of the network's workflow driver: fresh credit codes and names per run, so runs
 * against a network that is kept between runs never collide.
 */
import crypto from 'node:crypto';
import { EnterpriseSigner } from '@rdx/client';
import { Parties as BaseParties, ratingOf, submit, type DemandSpec } from '@rdx/network';
import { paths, topology } from './fabric-client.js';

export { submit, evaluate, endorsersOf, applyAndGetGrants, secret, type Secrets } from '@rdx/network';
export const runId = crypto.randomBytes(3).toString('hex');

/** The quarter (`2026Q4`) a China day (`YYYY-MM-DD`) falls in: the period form reports and evaluations take. */
export function quarterOf(day: string): string {
  return `${day.slice(0, 4)}Q${Math.ceil(Number(day.slice(5, 7)) / 3)}`;
}

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** A fresh, well-formed credit code (GB 32100-2015) for a test enterprise. */
export function newCreditCode(): string {
  const body = '91331100' + Array.from(crypto.randomBytes(9), (b) => USCC_ALPHABET[b % 10]).join('');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(body[i]!) * USCC_WEIGHTS[i]!;
  const check = 31 - (sum % 31);
  return body + USCC_ALPHABET[check === 31 ? 0 : check];
}

export class Parties extends BaseParties {
  constructor() {
    super(paths, topology);
  }
}

export interface TestEnterprise {
  creditCode: string;
  signer: EnterpriseSigner;
  publicKeyPem: string;
  privateKeyPem: string;
}

export async function onboard(p: Parties, level: 'A' | 'AA' | 'AAA'): Promise<TestEnterprise> {
  const creditCode = newCreditCode();
  const keys = EnterpriseSigner.generateKeyPair();
  await submit(
    p.bureau,
    'enterprise',
    'OnboardEnterprise',
    JSON.stringify({
      creditCode,
      name: `丽水测试数据科技有限公司 ${runId}-${creditCode.slice(-4)}`,
      nature: 'private',
      publicKey: keys.publicKeyPem,
      rating: ratingOf(level),
    }),
  );
  return { creditCode, signer: new EnterpriseSigner(creditCode, keys.privateKeyPem), ...keys };
}

export const TEST_ITEMS = ['uscc', 'entity_name', 'legal_rep_id'];

/** A restricted dataset's definition as `catalog:RegisterDataset` takes it (JSON), with the test items. */
export function datasetDefinition(id: string, name: string): string {
  return JSON.stringify({
    id,
    name,
    openAttribute: 'restricted',
    format: 'json',
    updateFrequency: 'daily',
    items: [
      { name: 'uscc', label: '统一社会信用代码', type: 'string' },
      { name: 'entity_name', label: '名称', type: 'string' },
      { name: 'legal_rep_id', label: '法定代表人身份证号', type: 'string', personal: true },
      { name: 'legal_rep_phone', label: '联系电话', type: 'string', personal: true },
    ],
  });
}

/** Registers a dataset for `body` and has the bureau list it, as its review does (Z13). */
export async function registerDataset(
  p: Parties,
  body: Parties['market'],
  id: string,
  name: string,
): Promise<void> {
  await submit(body, 'catalog', 'RegisterDataset', datasetDefinition(id, name));
  // The bureau lists it after its review (Z13): only a listed dataset may be applied for.
  await submit(p.bureau, 'catalog', 'ReviewListing', id, 'approve');
}

export function demand(datasetId: string, mspId: string, items = TEST_ITEMS): DemandSpec {
  return { datasetId, mspId, items };
}
