import { expect } from 'chai';
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
  const byte = bytes[bit >> 3]!;
  expect(byte).not.to.equal(undefined);
  bytes[bit >> 3] = byte ^ (1 << (bit & 7));
  return bytes.toString('hex');
}

describe('Merkle trees (RFC 6962/9162): roots, inclusion and consistency proofs', () => {
  it('known answer: a 3-leaf root computed by hand with node:crypto matches', () => {
    const data = ['alpha', 'beta', 'gamma'];
    const l = data.map((d) => sha256(Buffer.from([0x00]), Buffer.from(d, 'utf8')));
    const [l0, l1, l2] = l as [Buffer, Buffer, Buffer];
    expect(l0).to.be.instanceOf(Buffer);
    expect(l1).to.be.instanceOf(Buffer);
    expect(l2).to.be.instanceOf(Buffer);
    // RFC 6962: the left subtree takes the largest power of two below 3, i.e. two leaves; leaf 2 stands alone.
    const left = sha256(Buffer.from([0x01]), l0, l1);
    const root = sha256(Buffer.from([0x01]), left, l2).toString('hex');

    const leafHexes = data.map((d) => leafHash(d));
    expect(leafHexes).to.deep.equal(l.map((b) => b.toString('hex')));
    expect(merkleRoot(leafHexes)).to.equal(root);
    expect(nodeHash(l0.toString('hex'), l1.toString('hex'))).to.equal(left.toString('hex'));
  });

  it('known answer: the empty tree and the RFC 6962 reference test vectors', () => {
    expect(merkleRoot([])).to.equal(createHash('sha256').digest('hex'));
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
    roots.forEach((root, i) => expect(merkleRoot(hashes.slice(0, i + 1)), `size ${i + 1}`).to.equal(root));
  });

  it('every leaf of every tree of 1..40 leaves proves its inclusion, and only at its own index', () => {
    const rootOfSize = Array.from({ length: 42 }, (_, m) => merkleRoot(leaves(m)));
    for (let n = 1; n <= 40; n++) {
      const tree = leaves(n);
      const root = merkleRoot(tree);
      for (let i = 0; i < n; i++) {
        const leaf = tree[i]!;
        expect(leaf).not.to.equal(undefined);
        const proof = inclusionProof(tree, i);
        expect(verifyInclusion(leaf, i, n, proof, root), `leaf ${i} of ${n}`).to.equal(true);

        for (let j = 0; j < n; j++) {
          if (j !== i)
            expect(verifyInclusion(leaf, j, n, proof, root), `leaf ${i} as ${j} of ${n}`).to.equal(false);
        }
        // Another leaf of the same tree cannot borrow this leaf's proof.
        const other = tree[(i + 1) % n];
        if (n > 1 && other !== undefined) expect(verifyInclusion(other, i, n, proof, root)).to.equal(false);
        // A size only comes with its own root (both from one anchor); no other real tree accepts this proof.
        for (let m = i + 1; m <= 41; m++) {
          if (m === n) continue;
          expect(
            verifyInclusion(leaf, i, m, proof, rootOfSize[m] ?? ''),
            `leaf ${i} of ${n} in ${m}`,
          ).to.equal(false);
        }
        expect(verifyInclusion(leaf, i, n, [...proof, root], root), 'extra element').to.equal(false);
        if (proof.length > 0) {
          expect(verifyInclusion(leaf, i, n, proof.slice(0, -1), root), 'missing element').to.equal(false);
        }
        expect(verifyInclusion(leaf, i, n, proof, rootOfSize[n + 1] ?? ''), 'wrong root').to.equal(false);
      }
    }
  });

  it('a single flipped bit in the leaf, any proof element or the root makes inclusion fail', () => {
    let checked = 0;
    for (let n = 1; n <= 40; n++) {
      const tree = leaves(n);
      const root = merkleRoot(tree);
      for (let i = 0; i < n; i++) {
        const leaf = tree[i]!;
        expect(leaf).not.to.equal(undefined);
        const proof = inclusionProof(tree, i);
        // A different bit each time, so over the whole sweep every bit position is exercised.
        const bit = (n * 41 + i) % 256;
        expect(verifyInclusion(flipBit(leaf, bit), i, n, proof, root)).to.equal(false);
        expect(verifyInclusion(leaf, i, n, proof, flipBit(root, bit))).to.equal(false);
        proof.forEach((p, k) => {
          const tampered = proof.slice();
          tampered[k] = flipBit(p, (bit + k) % 256);
          expect(verifyInclusion(leaf, i, n, tampered, root), `element ${k}, leaf ${i} of ${n}`).to.equal(
            false,
          );
          checked++;
        });
      }
    }
    expect(checked).to.be.above(1000);

    // And exhaustively, all 256 bits of every element of one proof.
    const tree = leaves(37);
    const root = merkleRoot(tree);
    const proof = inclusionProof(tree, 21);
    const leaf = tree[21]!;
    expect(leaf).not.to.equal(undefined);
    for (let k = 0; k < proof.length; k++) {
      for (let bit = 0; bit < 256; bit++) {
        const tampered = proof.slice();
        tampered[k] = flipBit(proof[k] ?? '', bit);
        expect(verifyInclusion(leaf, 21, 37, tampered, root)).to.equal(false);
      }
    }
  });

  it('a consistency proof links every old size to every newer size up to 33', () => {
    const all = leaves(33);
    for (let n = 1; n <= 33; n++) {
      const newTree = all.slice(0, n);
      const newRoot = merkleRoot(newTree);
      for (let m = 1; m <= n; m++) {
        const oldRoot = merkleRoot(all.slice(0, m));
        const proof = consistencyProof(newTree, m);
        const at = `${m} -> ${n}`;
        expect(verifyConsistency(m, n, oldRoot, newRoot, proof), at).to.equal(true);

        // A history that was rewritten rather than appended to has a different old root.
        const forkedOld = merkleRoot([leafHash('forged'), ...all.slice(1, m)]);
        expect(verifyConsistency(m, n, forkedOld, newRoot, proof), `forked old ${at}`).to.equal(false);
        expect(verifyConsistency(m, n, oldRoot, merkleRoot(leaves(n + 1)), proof), `new root ${at}`).to.equal(
          false,
        );
        proof.forEach((p, k) => {
          const tampered = proof.slice();
          tampered[k] = flipBit(p, (m * 7 + n + k) % 256);
          expect(verifyConsistency(m, n, oldRoot, newRoot, tampered), `element ${k} ${at}`).to.equal(false);
        });
        expect(verifyConsistency(m, n, oldRoot, newRoot, [...proof, newRoot]), `extra ${at}`).to.equal(false);
        if (proof.length > 0) {
          expect(verifyConsistency(m, n, oldRoot, newRoot, proof.slice(0, -1)), `short ${at}`).to.equal(
            false,
          );
        }
        if (m > 1) {
          // Claiming a different old size, with that size's real root, must not pass with this proof.
          const rootM1 = merkleRoot(all.slice(0, m - 1));
          expect(verifyConsistency(m - 1, n, rootM1, newRoot, proof), `old size ${m - 1} -> ${n}`).to.equal(
            false,
          );
        }
        if (m < n) {
          expect(verifyConsistency(m, n, flipBit(oldRoot, 0), newRoot, proof), `old bit ${at}`).to.equal(
            false,
          );
          expect(verifyConsistency(n, m, newRoot, oldRoot, proof), `reversed ${at}`).to.equal(false);
        }
      }
    }
  });

  it('edge cases: empty trees, out-of-range indexes and malformed hashes', () => {
    const tree = leaves(5);
    const root = merkleRoot(tree);
    expect(consistencyProof(tree, 0)).to.deep.equal([]);
    expect(verifyConsistency(0, 5, merkleRoot([]), root, [])).to.equal(true);
    expect(verifyConsistency(0, 5, root, root, [])).to.equal(false);
    expect(verifyConsistency(5, 5, root, root, [])).to.equal(true);
    expect(verifyConsistency(5, 5, root, merkleRoot(leaves(6).slice(1)), [])).to.equal(false);
    expect(() => inclusionProof(tree, 5)).to.throw(RangeError);
    expect(() => inclusionProof(tree, -1)).to.throw(RangeError);
    expect(() => consistencyProof(tree, 6)).to.throw(RangeError);
    expect(() => merkleRoot(['not a hash'])).to.throw(TypeError);

    const proof = inclusionProof(tree, 2);
    const leaf = tree[2] ?? '';
    expect(verifyInclusion(leaf, 2, 5, proof, root)).to.equal(true);
    expect(verifyInclusion(leaf.toUpperCase(), 2, 5, proof, root.toUpperCase())).to.equal(true);
    // Buffer.from would read 'zz…' as an empty buffer; the verifier must not.
    expect(verifyInclusion(leaf, 2, 5, [...proof.slice(0, -1), 'zz'.repeat(32)], root)).to.equal(false);
    expect(verifyInclusion(leaf.slice(0, 62), 2, 5, proof, root)).to.equal(false);
    expect(verifyInclusion(leaf, 2.5, 5, proof, root)).to.equal(false);
    expect(verifyInclusion(leaf, 5, 5, proof, root)).to.equal(false);
    expect(verifyInclusion(leaf, 0, 0, [], merkleRoot([]))).to.equal(false);
  });
});
