/**
 * Test support: what an attacker its CA enrolls may write in its certificate's subject (Fabric CA keeps the
 * requester's C, ST, L and O as asked) to pass for an admin with a reader that searches the whole certificate —
 * the attribute extension's identifier, then an OCTET STRING of `{"attrs":{"role":"admin"}}`.
 */
import { ATTRIBUTE_OID } from '../fabric-attributes.js';

/** The forged locality, one character per byte (every byte is below 0x80). */
export function forgedAdminLocality(): string {
  const json = JSON.stringify({ attrs: { role: 'admin' } });
  return String.fromCharCode(0x06, ATTRIBUTE_OID.length, ...ATTRIBUTE_OID, 0x04, json.length) + json;
}
