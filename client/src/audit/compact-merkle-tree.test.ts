import { expect } from 'chai';
import { CompactMerkleTree } from './compact-merkle-tree.js';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  merkleRoot,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';

const leaves = Array.from({ length: 70 }, (_, i) => leafHash(`record ${i}`));
const tree = new CompactMerkleTree();
for (const l of leaves) tree.append(l);

describe('CompactMerkleTree', () => {
  it('roots of every prefix equal the reference RFC 9162 tree', () => {
    for (let n = 0; n <= leaves.length; n++)
      expect(tree.root(n), `size ${n}`).to.equal(merkleRoot(leaves.slice(0, n)));
  });

  it('inclusion proofs for every leaf of every size equal the reference, and verify', () => {
    for (let n = 1; n <= 40; n++) {
      const prefix = leaves.slice(0, n);
      for (let i = 0; i < n; i++) {
        const proof = tree.inclusionProof(i, n);
        expect(proof, `leaf ${i} of ${n}`).to.deep.equal(inclusionProof(prefix, i));
        expect(verifyInclusion(leaves[i]!, i, n, proof, tree.root(n))).to.equal(true);
      }
    }
  });

  it('consistency proofs between every pair of sizes equal the reference, and verify', () => {
    for (let n = 1; n <= 35; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = tree.consistencyProof(m, n);
        expect(proof, `${m} → ${n}`).to.deep.equal(consistencyProof(leaves.slice(0, n), m));
        expect(verifyConsistency(m, n, tree.root(m), tree.root(n), proof)).to.equal(true);
      }
    }
  });

  it('sizes beyond the tree and malformed leaves are refused', () => {
    expect(() => tree.root(leaves.length + 1)).to.throw(RangeError);
    expect(() => tree.inclusionProof(5, 5)).to.throw(RangeError);
    expect(() => new CompactMerkleTree().append('xyz')).to.throw(TypeError);
  });
});
