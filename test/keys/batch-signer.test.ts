import { constants, createHash, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { BatchSigner, startSigningWorker } from '../../src/kernel/keys/batch-signer.ts';

const ecKey = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const valid = (input: string, signature: string, publicKey: KeyObject) =>
  verify(
    'sha256',
    Buffer.from(input),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );

/**
 * Starts workers for a signer and watches them: counts the batches handed over, and can kill a
 * worker instead of handing it the batch numbered `killOnBatch` (so that batch is surely held).
 */
function watchedWorkers({
  start = startSigningWorker,
  killOnBatch,
}: { start?: () => Worker; killOnBatch?: number } = {}) {
  const started: Worker[] = [];
  let batches = 0;
  return {
    start: () => {
      const worker = start();
      const post = worker.postMessage.bind(worker);
      worker.postMessage = (message: unknown) => {
        batches++;
        if (batches === killOnBatch) void worker.terminate();
        else post(message);
      };
      started.push(worker);
      return worker;
    },
    started,
    batches: () => batches,
  };
}

describe('batch signer', () => {
  it('signs what one turn asks for in one batch, each with its own key, verifiably', async () => {
    const workers = watchedWorkers();
    const signer = new BatchSigner(workers.start);
    const [a, b] = [ecKey(), ecKey()];
    const keyOf = (i: number) => (i % 2 ? b : a);
    const inputs = Array.from({ length: 40 }, (_, i) => `header.payload-${i}`);
    const signatures = await Promise.all(inputs.map((input, i) => signer.sign(input, keyOf(i).privateKey)));
    expect(workers.batches()).toBe(1);
    signatures.forEach((signature, i) => {
      expect(Buffer.from(signature, 'base64url')).toHaveLength(64);
      expect(valid(inputs[i]!, signature, keyOf(i).publicKey)).toBe(true);
      expect(valid(inputs[i]!, signature, keyOf(i + 1).publicKey)).toBe(false);
    });

    // Later turns are new batches on the same worker; more keys than it keeps are sent again.
    const many = Array.from({ length: 300 }, ecKey); // the worker keeps 256
    for (const round of ['later', 'again']) {
      const out = await Promise.all(many.map((k, i) => signer.sign(`${round}-${i}`, k.privateKey)));
      out.forEach((signature, i) => expect(valid(`${round}-${i}`, signature, many[i]!.publicKey)).toBe(true));
    }
    expect(workers.batches()).toBe(3);
    expect(workers.started).toHaveLength(1);
  });

  it('checks signatures in the same batches as it signs: ES256, PS256 and Ed25519, valid or not', async () => {
    const workers = watchedWorkers();
    const signer = new BatchSigner(workers.start);
    const ec = ecKey();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ed = generateKeyPairSync('ed25519');
    const pss = (input: string) =>
      sign('sha256', Buffer.from(input), {
        key: rsa.privateKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 32,
      });
    const esSignature = await signer.sign('h.p', ec.privateKey);
    const answers = await Promise.all([
      signer.verify('ES256', 'h.p', esSignature, ec.publicKey),
      signer.verify('ES256', 'h.q', esSignature, ec.publicKey),
      signer.verify('ES256', 'h.p', esSignature.slice(0, 10), ec.publicKey),
      signer.verify('PS256', 'h.p', pss('h.p').toString('base64url'), rsa.publicKey),
      signer.verify('PS256', 'h.p', pss('h.x').toString('base64url'), rsa.publicKey),
      signer.verify('EdDSA', 'h.p', sign(null, Buffer.from('h.p'), ed.privateKey).toString('base64url'), ed.publicKey),
      signer.sign('h.r', ec.privateKey).then((signature) => valid('h.r', signature, ec.publicKey)),
    ]);
    expect(answers).toEqual([true, false, false, true, false, true, true]);
    expect(workers.batches()).toBe(2);
    // Without a worker the same checks run on this thread.
    const here = new BatchSigner(() => new Worker('process.exit(1)', { eval: true }));
    expect(await here.verify('ES256', 'h.p', esSignature, ec.publicKey)).toBe(true);
    expect(await here.verify('ES256', 'h.q', esSignature, ec.publicKey)).toBe(false);
  });

  it('signs an access token and its ID token in one item, at_hash from the signed access token', async () => {
    const ec = ecKey();
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${b64({ alg: 'ES256', typ: 'at+jwt' })}.${b64({ jti: 'a' })}`;
    const idHeader = b64({ alg: 'ES256', typ: 'JWT' });
    const workers = watchedWorkers();
    const here = new BatchSigner(() => new Worker('process.exit(1)', { eval: true }));
    for (const signer of [new BatchSigner(workers.start), here]) {
      const [[signature, idToken], other] = await Promise.all([
        signer.signWithIdToken(input, idHeader, '{"sub":"p","aud":"c","at_hash":"', ec.privateKey),
        signer.sign('h.p', ec.privateKey),
      ]);
      expect(valid(input, signature, ec.publicKey)).toBe(true);
      expect(valid('h.p', other, ec.publicKey)).toBe(true);
      const [header, payload, idSignature] = idToken.split('.') as [string, string, string];
      expect(header).toBe(idHeader);
      expect(valid(`${header}.${payload}`, idSignature, ec.publicKey)).toBe(true);
      // OIDC Core §3.1.3.6: the left half of the SHA-256 of the access token's ASCII, base64url.
      const atHash = createHash('sha256').update(`${input}.${signature}`).digest().subarray(0, 16);
      expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toEqual({
        sub: 'p',
        aud: 'c',
        at_hash: atHash.toString('base64url'),
      });
    }
    expect(workers.batches()).toBe(1);
  });

  it('a key that cannot sign ES256 fails its own signature only', async () => {
    const signer = new BatchSigner();
    const ec = ecKey();
    const ed = generateKeyPairSync('ed25519');
    const [good, bad] = await Promise.allSettled([
      signer.sign('x.y', ec.privateKey),
      signer.sign('x.y', ed.privateKey),
    ]);
    expect(good.status).toBe('fulfilled');
    expect(valid('x.y', (good as PromiseFulfilledResult<string>).value, ec.publicKey)).toBe(true);
    expect(bad.status).toBe('rejected');
    expect(String((bad as PromiseRejectedResult).reason)).toMatch(/ES256 signing failed/);
  });

  it('when the worker dies holding a batch, that batch is signed here and the next one gets a new worker', async () => {
    const workers = watchedWorkers({ killOnBatch: 2 });
    const signer = new BatchSigner(workers.start);
    const key = ecKey();
    expect(valid('one', await signer.sign('one', key.privateKey), key.publicKey)).toBe(true);
    const held = await Promise.all(['two', 'three'].map((input) => signer.sign(input, key.privateKey)));
    expect(held.every((signature, i) => valid(['two', 'three'][i]!, signature, key.publicKey))).toBe(true);
    expect(valid('four', await signer.sign('four', key.privateKey), key.publicKey)).toBe(true);
    expect(workers.started).toHaveLength(2);
    expect(workers.batches()).toBe(3);
  });

  it('without workers (none can start, or the first dies before answering) it signs on this thread', async () => {
    const key = ecKey();
    const cannotStart = new BatchSigner(() => {
      throw new Error('no workers here');
    });
    expect(valid('a', await cannotStart.sign('a', key.privateKey), key.publicKey)).toBe(true);

    const workers = watchedWorkers({ start: () => new Worker('process.exit(1)', { eval: true }) });
    const dies = new BatchSigner(workers.start);
    expect(valid('b', await dies.sign('b', key.privateKey), key.publicKey)).toBe(true);
    expect(valid('c', await dies.sign('c', key.privateKey), key.publicKey)).toBe(true);
    expect(workers.started).toHaveLength(1);
  });

  it.runIf(process.platform === 'linux')(
    'the signing worker runs behind the event loop: its thread is 10 nice steps lower',
    async () => {
      /** This process's threads' nice values, from /proc (field 19 of each thread's stat). */
      const niceOf = (tid: string) =>
        Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
      const threads = () => new Map(readdirSync('/proc/self/task').map((tid) => [tid, niceOf(tid)]));
      const mine = niceOf(readlinkSync('/proc/thread-self').split('/').pop()!);
      const before = threads();
      const signer = new BatchSigner();
      const key = ecKey();
      expect(valid('a', await signer.sign('a', key.privateKey), key.publicKey)).toBe(true);
      const started = [...threads()].filter(([tid]) => !before.has(tid));
      // The worker's own thread, and Node's threads for it (which keep the process's priority).
      expect(started.map(([, nice]) => nice)).toContain(Math.min(19, mine + 10));
      expect(started.filter(([, nice]) => nice !== mine)).toHaveLength(1);
    },
  );
});
