import { test } from 'node:test';
import assert from 'node:assert/strict';
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

test('roots of every prefix equal the reference RFC 9162 tree', () => {
  for (let n = 0; n <= leaves.length; n++)
    assert.equal(tree.root(n), merkleRoot(leaves.slice(0, n)), `size ${n}`);
});

test('inclusion proofs for every leaf of every size equal the reference, and verify', () => {
  for (let n = 1; n <= 40; n++) {
    const prefix = leaves.slice(0, n);
    for (let i = 0; i < n; i++) {
      const proof = tree.inclusionProof(i, n);
      assert.deepEqual(proof, inclusionProof(prefix, i), `leaf ${i} of ${n}`);
      assert.ok(verifyInclusion(leaves[i]!, i, n, proof, tree.root(n)));
    }
  }
});

test('consistency proofs between every pair of sizes equal the reference, and verify', () => {
  for (let n = 1; n <= 35; n++) {
    for (let m = 1; m <= n; m++) {
      const proof = tree.consistencyProof(m, n);
      assert.deepEqual(proof, consistencyProof(leaves.slice(0, n), m), `${m} → ${n}`);
      assert.ok(verifyConsistency(m, n, tree.root(m), tree.root(n), proof));
    }
  }
});

test('sizes beyond the tree and malformed leaves are refused', () => {
  assert.throws(() => tree.root(leaves.length + 1), RangeError);
  assert.throws(() => tree.inclusionProof(5, 5), RangeError);
  assert.throws(() => new CompactMerkleTree().append('xyz'), TypeError);
});
