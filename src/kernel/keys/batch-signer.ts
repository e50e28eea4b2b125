import type { KeyObject } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { startPlainWorker } from '../threads/plain-worker.ts';
import {
  doWork,
  type SigningAnswer,
  type SigningBatch,
  type SigningItem,
  type SigningReply,
  type SigningWork,
} from './signing-worker.js';

/**
 * Keys the worker keeps at once; past this it forgets them all and is sent what it needs again.
 * Public keys of clients (DPoP proofs, client assertions) travel here too, so it is not tiny.
 */
const MAX_KEYS = 256;

/** The signing worker (signing-worker.js), started; `BatchSigner` starts one by default. */
export function startSigningWorker(): Worker {
  return startPlainWorker(new URL('./signing-worker.js', import.meta.url));
}

interface Pending {
  /** A signature, a check, or an access token's signature with its ID token (signing-worker.js). */
  work: SigningWork;
  key: KeyObject;
  resolve(answer: string | boolean | [string, string]): void;
  reject(error: Error): void;
}

/**
 * ES256 signatures (SHA-256, IEEE P1363 encoding, base64url) computed on one worker thread, a
 * batch per event-loop turn: the signatures asked for while the loop handles one round of I/O
 * travel together, one message each way. Handing work to another thread is dear on virtual
 * machines (a postMessage round trip measured ~90 µs of CPU here), and signing through libuv's
 * pool paid two hand-offs per signature; its answers also trickled back one by one, which kept
 * the group commits after them small. Batched, the event loop spends ~245 µs per refresh instead
 * of ~320 and the token endpoint answers ~20% more requests (bench/, same host, same hour).
 *
 * The worker is referenced only while it holds work, so it never keeps a process alive. If it
 * dies, what it held is signed here instead and the next batch starts a new one; if it never
 * answered at all (workers unavailable), signing stays on this thread.
 */
export class BatchSigner {
  /** Starts the worker; replaceable so tests can hand in one that fails. */
  readonly #startWorkerThread: () => Worker;
  #worker: Worker | undefined;
  #workerAnswered = false;
  #workersUnavailable = false;
  #queue: Pending[] = [];
  #scheduled = false;
  #inFlight = new Map<number, Pending[]>();
  #nextBatchId = 1;
  /** Keys travel to the worker once (cloning one costs about as much as a signature). */
  #keyIds = new WeakMap<KeyObject, number>();
  #nextKeyId = 1;
  #workerKeys = new Set<number>();

  constructor(startWorkerThread: () => Worker = startSigningWorker) {
    this.#startWorkerThread = startWorkerThread;
  }

  sign(input: string, key: KeyObject): Promise<string> {
    return this.#enqueue([input], key) as Promise<string>;
  }

  /**
   * The signature of an access token's input and its ID token, in one item of a batch: the ID
   * token's `at_hash` needs the access token signed first (see signing-worker.js).
   */
  signWithIdToken(input: string, idHeader: string, idPayloadOpen: string, key: KeyObject): Promise<[string, string]> {
    return this.#enqueue([input, idHeader, idPayloadOpen, 'id_token'], key) as Promise<[string, string]>;
  }

  /**
   * Whether `signature` of the JWS signing input verifies with `key` under `alg`, checked on the
   * worker with the batch: an ECDSA check costs ~70 µs of CPU here, more than twice a signature,
   * and it is on every DPoP proof and client assertion.
   */
  verify(alg: string, input: string, signature: string, key: KeyObject): Promise<boolean> {
    return this.#enqueue([input, signature, alg], key) as Promise<boolean>;
  }

  #enqueue(work: SigningWork, key: KeyObject): Promise<string | boolean | [string, string]> {
    return new Promise((resolve, reject) => {
      const pending: Pending = { work, key, resolve, reject };
      this.#queue.push(pending);
      if (this.#scheduled) return;
      this.#scheduled = true;
      // setImmediate runs after this turn's I/O callbacks: every request read in it joins.
      setImmediate(() => this.#flush());
    });
  }

  #flush(): void {
    const batch = this.#queue;
    this.#queue = [];
    this.#scheduled = false;
    const worker = this.#workersUnavailable ? undefined : (this.#worker ??= this.#startWorker());
    if (!worker) return signHere(batch);
    const batchKeys = new Map<number, KeyObject>();
    const items = batch.map((pending): SigningItem => {
      const keyId = this.#keyId(pending.key);
      batchKeys.set(keyId, pending.key);
      return [keyId, pending.work];
    });
    let newKeys = [...batchKeys].filter(([keyId]) => !this.#workerKeys.has(keyId));
    const forgetKeys = this.#workerKeys.size + newKeys.length > MAX_KEYS;
    if (forgetKeys) {
      this.#workerKeys.clear();
      newKeys = [...batchKeys];
    }
    for (const [keyId] of newKeys) this.#workerKeys.add(keyId);
    const id = this.#nextBatchId++;
    this.#inFlight.set(id, batch);
    worker.ref();
    const message: SigningBatch = { id, forgetKeys, newKeys, items };
    worker.postMessage(message);
  }

  #keyId(key: KeyObject): number {
    let keyId = this.#keyIds.get(key);
    if (keyId === undefined) {
      keyId = this.#nextKeyId++;
      this.#keyIds.set(key, keyId);
    }
    return keyId;
  }

  #startWorker(): Worker | undefined {
    let worker: Worker;
    try {
      worker = this.#startWorkerThread();
    } catch {
      this.#workersUnavailable = true;
      return undefined;
    }
    worker.unref();
    worker.on('message', ({ id, out }: SigningReply) => this.#settle(worker, id, out));
    worker.on('error', () => this.#lost(worker));
    worker.on('exit', () => this.#lost(worker));
    this.#workerAnswered = false;
    this.#workerKeys.clear();
    return worker;
  }

  #settle(worker: Worker, id: number, out: SigningAnswer[]): void {
    this.#workerAnswered = true;
    const batch = this.#inFlight.get(id);
    this.#inFlight.delete(id);
    if (this.#inFlight.size === 0) worker.unref();
    batch?.forEach((pending, i) => {
      const answer = out[i];
      if (typeof answer === 'string' || typeof answer === 'boolean' || Array.isArray(answer)) pending.resolve(answer);
      else pending.reject(new Error(`ES256 signing failed: ${answer?.error ?? 'no answer'}`));
    });
  }

  /** The worker is gone: sign what it held here; a later batch starts another worker. */
  #lost(worker: Worker): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    if (!this.#workerAnswered) this.#workersUnavailable = true;
    const held = [...this.#inFlight.values()].flat();
    this.#inFlight.clear();
    signHere(held);
    void worker.terminate();
  }
}

function signHere(batch: Pending[]): void {
  for (const pending of batch) {
    try {
      pending.resolve(doWork(pending.work, pending.key));
    } catch (error) {
      pending.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
