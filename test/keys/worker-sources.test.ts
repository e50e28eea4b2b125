import { generateKeyPairSync, verify } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BatchSigner } from '../../src/kernel/keys/batch-signer.ts';
import { startPlainWorker } from '../../src/kernel/threads/plain-worker.ts';

const SRC = new URL('../../src/', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe('issue 10, item 3: worker code lives in real source files that tsc and eslint check', () => {
  it("starts no worker from an eval'd string, and every worker module is type-checked", () => {
    const files = sourceFiles(SRC).filter((file) => /\.(ts|js)$/.test(file));
    expect(
      files.filter((file) => /eval:\s*true/.test(readFileSync(file, 'utf8'))).map((file) => file.slice(SRC.length)),
    ).toEqual([]);
    for (const worker of [
      'kernel/keys/signing-worker.js',
      'kernel/db/checkpoint-worker.js',
      'kernel/threads/tsx-worker-boot.js',
    ]) {
      expect(readFileSync(join(SRC, worker), 'utf8').startsWith('// @ts-check\n')).toBe(true);
    }
  });

  it('signs on this thread when the worker module cannot be loaded', async () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const signer = new BatchSigner(() => startPlainWorker(new URL('./no-such-worker.js', import.meta.url)));
    const signature = await signer.sign('a.b', key.privateKey);
    expect(
      verify(
        'sha256',
        Buffer.from('a.b'),
        { key: key.publicKey, dsaEncoding: 'ieee-p1363' },
        Buffer.from(signature, 'base64url'),
      ),
    ).toBe(true);
  });
});
