import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/harness.js';

const module = join(import.meta.dirname, '../../src/audit/checkpoint-key-file.ts');

/** One process that loads or creates the key file and prints its public key. */
const loadInProcess = (file: string) =>
  new Promise<string>((resolve, reject) => {
    const script = `import { loadOrCreateSigner } from ${JSON.stringify(module)}; console.log(loadOrCreateSigner(${JSON.stringify(file)}).signer.text);`;
    execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout.trim())));
  });

describe('the checkpoint key file', () => {
  it('is created once when several servers start together: all read the same whole key', async () => {
    const dir = tempDir();
    const file = join(dir, 'countersign.checkpoint-key');
    const keys = await Promise.all(Array.from({ length: 6 }, () => loadInProcess(file)));
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^countersign-[0-9a-f]{8}\+[0-9a-f]{8}\+/);
    expect(readdirSync(dir)).toEqual(['countersign.checkpoint-key']); // no drafts left behind
  });
});
