import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, leafHash, verifyConsistency, verifyInclusion } from '../../src/audit/merkle.js';
import { memoryTree } from './merkle-test-tree.js';

const VECTORS = join(import.meta.dirname, 'vectors');
const b64 = (s: string) => Buffer.from(s, 'base64');
const hex = (s: string) => Buffer.from(s, 'hex');

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsonFiles(path);
    return name.endsWith('.json') ? [path] : [];
  });
}
const rel = (path: string) => path.slice(VECTORS.length + 1);

interface InclusionVector { leafIdx: number; treeSize: number; root: string; leafHash: string; proof: string[] | null; desc: string; wantErr: boolean }
interface ConsistencyVector { size1: number; size2: number; root1: string; root2: string; proof: string[] | null; desc: string; wantErr: boolean }

// transparency-dev/merkle testonly/constants.go: the tree behind the vectors.
const LEAF_INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hex);
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

describe('RFC 6962 test vectors (transparency-dev/merkle)', () => {
  const inclusion = jsonFiles(join(VECTORS, 'inclusion'));
  const consistency = jsonFiles(join(VECTORS, 'consistency'));

  it('has the vector files', () => {
    expect(inclusion.length).toBeGreaterThan(80);
    expect(consistency.length).toBeGreaterThan(90);
  });

  it.each(inclusion.map((f) => [rel(f), f]))('inclusion %s', (_name, file) => {
    const v = JSON.parse(readFileSync(file, 'utf8')) as InclusionVector;
    const ok = verifyInclusion(v.leafIdx, v.treeSize, b64(v.leafHash), (v.proof ?? []).map(b64), b64(v.root));
    expect(ok, v.desc).toBe(!v.wantErr);
  });

  it.each(consistency.map((f) => [rel(f), f]))('consistency %s', (_name, file) => {
    const v = JSON.parse(readFileSync(file, 'utf8')) as ConsistencyVector;
    const ok = verifyConsistency(v.size1, v.size2, (v.proof ?? []).map(b64), b64(v.root1), b64(v.root2));
    expect(ok, v.desc).toBe(!v.wantErr);
  });

  it('computes the published root of every tree size from the published leaves', () => {
    const tree = memoryTree(LEAF_INPUTS.map(leafHash));
    expect(tree.root(0)).toEqual(EMPTY_ROOT);
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    ROOTS.forEach((root, i) => expect(tree.root(i + 1).toString('hex'), `size ${i + 1}`).toBe(root));
  });

  it('generates exactly the published happy-path proofs', () => {
    const tree = memoryTree(LEAF_INPUTS.map(leafHash));
    for (const file of inclusion.filter((f) => f.endsWith('happy-path.json'))) {
      const v = JSON.parse(readFileSync(file, 'utf8')) as InclusionVector;
      expect(tree.inclusion(v.leafIdx, v.treeSize).map((h) => h.toString('base64')), rel(file)).toEqual(v.proof ?? []);
    }
    for (const file of consistency.filter((f) => f.endsWith('happy-path.json'))) {
      const v = JSON.parse(readFileSync(file, 'utf8')) as ConsistencyVector;
      expect(tree.consistency(v.size1, v.size2).map((h) => h.toString('base64')), rel(file)).toEqual(v.proof ?? []);
    }
  });
});
