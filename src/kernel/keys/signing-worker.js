// @ts-check
/**
 * The signing worker's code (see batch-signer.ts): ES256 signatures over the inputs of a batch,
 * answered with one message. An item that fails answers with its error instead of a signature.
 *
 * Plain JavaScript, type-checked by tsc (`@ts-check`, JSDoc types) and linted: it runs as it is
 * from the sources, under vitest and from the build. A `.ts` worker would need tsx's loader in
 * the worker, which on Node 20 costs ~0.4 s and ~36 MiB per worker (hooks given in a worker's
 * execArgv are ignored there, so it must register them itself).
 */
import { sign } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

/**
 * One batch: keys travel once (by id) and are kept until the signer says to forget them.
 * @typedef {object} SigningBatch
 * @property {number} id
 * @property {boolean} forgetKeys
 * @property {Array<[keyId: number, key: import('node:crypto').KeyObject]>} newKeys
 * @property {Array<[keyId: number, input: string]>} items
 */

/**
 * A base64url signature, or why the item could not be signed.
 * @typedef {string | { error: string }} SigningAnswer
 */

/**
 * @typedef {object} SigningReply
 * @property {number} id
 * @property {SigningAnswer[]} out
 */

/** @type {Map<number, import('node:crypto').KeyObject>} */
const keys = new Map();

/**
 * @param {SigningBatch} batch
 * @returns {SigningReply}
 */
function signBatch({ id, forgetKeys, newKeys, items }) {
  if (forgetKeys) keys.clear();
  for (const [keyId, key] of newKeys) keys.set(keyId, key);
  const out = items.map(([keyId, input]) => {
    try {
      const key = keys.get(keyId);
      if (!key) throw new Error(`the worker holds no key ${keyId}`);
      return sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  });
  return { id, out };
}

// Imported anywhere but in a worker thread, this module does nothing.
const port = parentPort;
port?.on('message', (/** @type {SigningBatch} */ batch) => port.postMessage(signBatch(batch)));
