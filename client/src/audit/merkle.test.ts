import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  merkleRoot,
  nodeHash,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';

function sha256(...parts: Uint8Array[]): Buffer {
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  return h.digest();
}

function leaves(n: number): string[] {
  return Array.from({ length: n }, (_, i) => leafHash(`record ${i}`));
}

/** Flips one bit of a hex hash, so exactly one of its 256 bits differs. */
function flipBit(hex: string, bit: number): string {
  const bytes = Buffer.from(hex, 'hex');
  const byte = bytes[bit >> 3];
  assert.ok(byte !== undefined);
  bytes[bit >> 3] = byte ^ (1 << (bit & 7));
  return bytes.toString('hex');
}

test('known answer: a 3-leaf root computed by hand with node:crypto matches', () => {
  const data = ['alpha', 'beta', 'gamma'];
  const l = data.map((d) => sha256(Buffer.from([0x00]), Buffer.from(d, 'utf8')));
  const [l0, l1, l2] = l;
  assert.ok(l0 && l1 && l2);
  // RFC 6962: the left subtree takes the largest power of two below 3, i.e. two leaves; leaf 2 stands alone.
  const left = sha256(Buffer.from([0x01]), l0, l1);
  const root = sha256(Buffer.from([0x01]), left, l2).toString('hex');

  const leafHexes = data.map((d) => leafHash(d));
  assert.deepEqual(
    leafHexes,
    l.map((b) => b.toString('hex')),
  );
  assert.equal(merkleRoot(leafHexes), root);
  assert.equal(nodeHash(l0.toString('hex'), l1.toString('hex')), left.toString('hex'));
});

test('known answer: the empty tree and the RFC 6962 reference test vectors', () => {
  assert.equal(merkleRoot([]), createHash('sha256').digest('hex'));
  // The leaves and roots of certificate-transparency's merkle_tree_test (also used by Trillian).
  const inputs = [
    '',
    '00',
    '10',
    '2021',
    '3031',
    '40414243',
    '5051525354555657',
    '606162636465666768696a6b6c6d6e6f',
  ];
  const roots = [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
    '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
    'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
    '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
  ];
  const hashes = inputs.map((hex) => leafHash(Buffer.from(hex, 'hex')));
  roots.forEach((root, i) => assert.equal(merkleRoot(hashes.slice(0, i + 1)), root, `size ${i + 1}`));
});

test('every leaf of every tree of 1..40 leaves proves its inclusion, and only at its own index', () => {
  const rootOfSize = Array.from({ length: 42 }, (_, m) => merkleRoot(leaves(m)));
  for (let n = 1; n <= 40; n++) {
    const tree = leaves(n);
    const root = merkleRoot(tree);
    for (let i = 0; i < n; i++) {
      const leaf = tree[i];
      assert.ok(leaf !== undefined);
      const proof = inclusionProof(tree, i);
      assert.equal(verifyInclusion(leaf, i, n, proof, root), true, `leaf ${i} of ${n}`);

      for (let j = 0; j < n; j++) {
        if (j !== i)
          assert.equal(verifyInclusion(leaf, j, n, proof, root), false, `leaf ${i} as ${j} of ${n}`);
      }
      // Another leaf of the same tree cannot borrow this leaf's proof.
      const other = tree[(i + 1) % n];
      if (n > 1 && other !== undefined) assert.equal(verifyInclusion(other, i, n, proof, root), false);
      // A size only comes with its own root (both from one anchor); no other real tree accepts this proof.
      for (let m = i + 1; m <= 41; m++) {
        if (m === n) continue;
        assert.equal(
          verifyInclusion(leaf, i, m, proof, rootOfSize[m] ?? ''),
          false,
          `leaf ${i} of ${n} in ${m}`,
        );
      }
      assert.equal(verifyInclusion(leaf, i, n, [...proof, root], root), false, 'extra element');
      if (proof.length > 0) {
        assert.equal(verifyInclusion(leaf, i, n, proof.slice(0, -1), root), false, 'missing element');
      }
      assert.equal(verifyInclusion(leaf, i, n, proof, rootOfSize[n + 1] ?? ''), false, 'wrong root');
    }
  }
});

test('a single flipped bit in the leaf, any proof element or the root makes inclusion fail', () => {
  let checked = 0;
  for (let n = 1; n <= 40; n++) {
    const tree = leaves(n);
    const root = merkleRoot(tree);
    for (let i = 0; i < n; i++) {
      const leaf = tree[i];
      assert.ok(leaf !== undefined);
      const proof = inclusionProof(tree, i);
      // A different bit each time, so over the whole sweep every bit position is exercised.
      const bit = (n * 41 + i) % 256;
      assert.equal(verifyInclusion(flipBit(leaf, bit), i, n, proof, root), false);
      assert.equal(verifyInclusion(leaf, i, n, proof, flipBit(root, bit)), false);
      proof.forEach((p, k) => {
        const tampered = proof.slice();
        tampered[k] = flipBit(p, (bit + k) % 256);
        assert.equal(verifyInclusion(leaf, i, n, tampered, root), false, `element ${k}, leaf ${i} of ${n}`);
        checked++;
      });
    }
  }
  assert.ok(checked > 1000);

  // And exhaustively, all 256 bits of every element of one proof.
  const tree = leaves(37);
  const root = merkleRoot(tree);
  const proof = inclusionProof(tree, 21);
  const leaf = tree[21];
  assert.ok(leaf !== undefined);
  for (let k = 0; k < proof.length; k++) {
    for (let bit = 0; bit < 256; bit++) {
      const tampered = proof.slice();
      tampered[k] = flipBit(proof[k] ?? '', bit);
      assert.equal(verifyInclusion(leaf, 21, 37, tampered, root), false);
    }
  }
});

test('a consistency proof links every old size to every newer size up to 33', () => {
  const all = leaves(33);
  for (let n = 1; n <= 33; n++) {
    const newTree = all.slice(0, n);
    const newRoot = merkleRoot(newTree);
    for (let m = 1; m <= n; m++) {
      const oldRoot = merkleRoot(all.slice(0, m));
      const proof = consistencyProof(newTree, m);
      const at = `${m} -> ${n}`;
      assert.equal(verifyConsistency(m, n, oldRoot, newRoot, proof), true, at);

      // A history that was rewritten rather than appended to has a different old root.
      const forkedOld = merkleRoot([leafHash('forged'), ...all.slice(1, m)]);
      assert.equal(verifyConsistency(m, n, forkedOld, newRoot, proof), false, `forked old ${at}`);
      assert.equal(
        verifyConsistency(m, n, oldRoot, merkleRoot(leaves(n + 1)), proof),
        false,
        `new root ${at}`,
      );
      proof.forEach((p, k) => {
        const tampered = proof.slice();
        tampered[k] = flipBit(p, (m * 7 + n + k) % 256);
        assert.equal(verifyConsistency(m, n, oldRoot, newRoot, tampered), false, `element ${k} ${at}`);
      });
      assert.equal(verifyConsistency(m, n, oldRoot, newRoot, [...proof, newRoot]), false, `extra ${at}`);
      if (proof.length > 0) {
        assert.equal(verifyConsistency(m, n, oldRoot, newRoot, proof.slice(0, -1)), false, `short ${at}`);
      }
      if (m > 1) {
        // Claiming a different old size, with that size's real root, must not pass with this proof.
        const rootM1 = merkleRoot(all.slice(0, m - 1));
        assert.equal(verifyConsistency(m - 1, n, rootM1, newRoot, proof), false, `old size ${m - 1} -> ${n}`);
      }
      if (m < n) {
        assert.equal(verifyConsistency(m, n, flipBit(oldRoot, 0), newRoot, proof), false, `old bit ${at}`);
        assert.equal(verifyConsistency(n, m, newRoot, oldRoot, proof), false, `reversed ${at}`);
      }
    }
  }
});

test('edge cases: empty trees, out-of-range indexes and malformed hashes', () => {
  const tree = leaves(5);
  const root = merkleRoot(tree);
  assert.deepEqual(consistencyProof(tree, 0), []);
  assert.equal(verifyConsistency(0, 5, merkleRoot([]), root, []), true);
  assert.equal(verifyConsistency(0, 5, root, root, []), false);
  assert.equal(verifyConsistency(5, 5, root, root, []), true);
  assert.equal(verifyConsistency(5, 5, root, merkleRoot(leaves(6).slice(1)), []), false);
  assert.throws(() => inclusionProof(tree, 5), RangeError);
  assert.throws(() => inclusionProof(tree, -1), RangeError);
  assert.throws(() => consistencyProof(tree, 6), RangeError);
  assert.throws(() => merkleRoot(['not a hash']), TypeError);

  const proof = inclusionProof(tree, 2);
  const leaf = tree[2] ?? '';
  assert.equal(verifyInclusion(leaf, 2, 5, proof, root), true);
  assert.equal(verifyInclusion(leaf.toUpperCase(), 2, 5, proof, root.toUpperCase()), true);
  // Buffer.from would read 'zz…' as an empty buffer; the verifier must not.
  assert.equal(verifyInclusion(leaf, 2, 5, [...proof.slice(0, -1), 'zz'.repeat(32)], root), false);
  assert.equal(verifyInclusion(leaf.slice(0, 62), 2, 5, proof, root), false);
  assert.equal(verifyInclusion(leaf, 2.5, 5, proof, root), false);
  assert.equal(verifyInclusion(leaf, 5, 5, proof, root), false);
  assert.equal(verifyInclusion(leaf, 0, 0, [], merkleRoot([])), false);
});
