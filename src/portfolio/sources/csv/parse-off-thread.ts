import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../../kernel/threads/module-worker.ts';
import type { BalanceItem, NormalizedTransaction } from '../../ledger/normalized.ts';
import type { CsvProblem } from './read-rows.ts';

/** What stands for a CSV text held by the worker in a parsed upload body. */
export const HELD = '(held by the CSV worker)';
/**
 * Characters of sealed text per stored part. Measured: writing a 13 MB value to SQLite held the
 * event loop ~100 ms and reading it ~30 ms; a 256 KiB part costs about 2 ms either way.
 */
export const SEALED_PART_CHARS = 256 * 1024;

export interface CsvLimits {
  /** Rows (after the header) one file may have. */
  maxRows: number;
  /** Bytes (UTF-8) one file may have; a larger one is measured and not parsed. */
  maxBytes: number;
}

export interface CsvWorkerData {
  /** The credentials box's derived key (SecretBox.derivedKey). */
  key: Uint8Array;
}

type Ask =
  | { op: 'holdJson' }
  | { op: 'holdForm'; body: Uint8Array; contentType: string }
  | { op: 'holdText'; text: string }
  | { op: 'check'; slot: number; format: string; maxRows: number; maxBytes: number }
  | { op: 'seal'; slot: number }
  | { op: 'sealedPart'; slot: number; part: number }
  | { op: 'addPart'; slot: number; text: string }
  | { op: 'read'; slot: number; format: string; maxRows: number }
  | { op: 'batch'; slot: number; from: number; count: number }
  | { op: 'reset' };
export type CsvRequest = Ask & { id: number };
/** A part of an upload body, sent ahead of its holdJson; not answered. */
export interface BodyPart {
  op: 'bodyPart';
  part: Uint8Array;
}
export type CsvAnswer =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string; status?: number };

export interface CsvCheck {
  /** The file's size in UTF-8 bytes. */
  bytes: number;
  rows: number;
  problems: CsvProblem[];
  /** SHA-256 of format and content: the same file linked twice is a duplicate. */
  digest: string;
}

/** A CSV file held by a CSV worker: what a link request carries instead of the text. */
export interface HeldCsv {
  worker: CsvWorker;
  slot: number;
}

/** An upload body's error (bad JSON, bad UTF-8): a 4xx with its message. */
export class CsvUploadError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** How long a released CSV thread waits, warm, for the next request or sync before it ends. */
const SPARE_MS = 30_000;

/**
 * A CSV worker thread (csv-worker.ts) and its messages. One released thread is kept warm for a
 * while: an import is followed at once by its sync, and starting a thread (from the TypeScript
 * sources, through tsx) took the event loop's CPU for 30-50 ms on a 2-core machine.
 */
class CsvThread {
  static #spare: CsvThread | undefined;

  static take(key: Uint8Array): CsvThread {
    const spare = CsvThread.#spare;
    if (spare && !spare.#failure && Buffer.from(spare.key).equals(Buffer.from(key))) {
      CsvThread.#spare = undefined;
      clearTimeout(spare.#ending);
      return spare;
    }
    return new CsvThread(key);
  }

  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  #nextId = 1;
  #failure: Error | undefined;
  #ending: NodeJS.Timeout | undefined;

  private constructor(readonly key: Uint8Array) {
    this.#worker = startModuleWorker(import.meta.url, './csv-worker', {
      workerData: { key } satisfies CsvWorkerData,
      background: true,
    });
    this.#worker.unref();
    this.#worker.on('message', (answer: CsvAnswer) => {
      const pending = this.#pending.get(answer.id);
      this.#pending.delete(answer.id);
      if (!pending) return;
      if (answer.ok) pending.resolve(answer.value);
      else
        pending.reject(
          answer.status
            ? new CsvUploadError(answer.status, answer.message)
            : new Error(`the CSV worker failed: ${answer.message}`),
        );
    });
    this.#worker.on('error', (error) => this.#fail(error));
    this.#worker.on('exit', (code) => this.#fail(new Error(`the CSV worker exited with code ${code}`)));
  }

  ask(ask: Ask, transfer = false): Promise<unknown> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      const body = 'body' in ask ? ask.body : undefined;
      this.#worker.postMessage({ ...ask, id }, transfer && body ? [body.buffer as ArrayBuffer] : []);
    });
  }

  /** Sends a message that has no answer (moving `part`'s buffer, which must be its own). */
  tell(message: BodyPart): void {
    if (!this.#failure) this.#worker.postMessage(message, [message.part.buffer as ArrayBuffer]);
  }

  /** Empties the thread and keeps it as the spare (ending the previous spare), or ends it. */
  async release(): Promise<void> {
    if (this.#failure || this.#pending.size > 0) return this.end();
    try {
      await this.ask({ op: 'reset' });
    } catch {
      return this.end();
    }
    const previous = CsvThread.#spare;
    CsvThread.#spare = this;
    this.#ending = setTimeout(() => {
      if (CsvThread.#spare === this) CsvThread.#spare = undefined;
      void this.end();
    }, SPARE_MS).unref();
    if (previous && previous !== this) await previous.end();
  }

  async end(): Promise<void> {
    clearTimeout(this.#ending);
    this.#failure ??= new Error('the CSV worker was closed');
    await this.#worker.terminate();
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const pending of this.#pending.values()) pending.reject(this.#failure);
    this.#pending.clear();
  }
}

/**
 * A CSV worker thread for one request or one sync. Measured reason: parsing a 2.5 MB file on the
 * event loop held every other request for 2.6 s, and even handling a 10 MB file's text whole
 * (JSON, sealing, one database value) held it for a few hundred ms. Here the loop only sends
 * and receives small messages: a summary, a 256 KiB sealed part, a few hundred transactions.
 * The thread runs at a lower priority (see yieldCpuToEventLoop) and never keeps the process
 * alive; when this one is closed the thread forgets its files (it may serve the next one warm).
 */
export class CsvWorker {
  readonly #thread: CsvThread;
  #closed = false;

  constructor(key: Uint8Array) {
    this.#thread = CsvThread.take(key);
  }

  /**
   * Hands over the next part of a JSON upload body as it arrives (a copy, so that a socket's read
   * buffer is never moved): many small copies instead of one of the whole body.
   */
  addBodyPart(part: Uint8Array): void {
    if (this.#closed) throw new Error('the CSV worker was closed');
    this.#thread.tell({ op: 'bodyPart', part: new Uint8Array(part) });
  }

  /**
   * Parses the JSON upload body whose parts were handed over (addBodyPart); each csv connection's
   * content stays in the worker (`held`: [item index, slot]).
   */
  holdJson(): Promise<{ body: unknown; held: Array<[number, number]> }> {
    return this.#ask({ op: 'holdJson' }, true) as Promise<{ body: unknown; held: Array<[number, number]> }>;
  }

  /** Parses the CSV upload form (multipart); its file (or pasted text) stays in the worker. */
  holdForm(
    body: Buffer,
    contentType: string,
  ): Promise<{ fields: Record<string, string | undefined>; held: number | undefined }> {
    return this.#ask({ op: 'holdForm', body: transferable(body), contentType }, true) as Promise<{
      fields: Record<string, string | undefined>;
      held: number | undefined;
    }>;
  }

  async holdText(text: string): Promise<HeldCsv> {
    return { worker: this, slot: (await this.#ask({ op: 'holdText', text })) as number };
  }

  /** Parses a held file within limits (a larger one is measured, not parsed). */
  check(slot: number, format: string, limits: CsvLimits): Promise<CsvCheck> {
    return this.#ask({ op: 'check', slot, format, ...limits }) as Promise<CsvCheck>;
  }

  /** Seals a held file; answers how many parts its sealed text has (read them with sealedPart). */
  seal(slot: number): Promise<number> {
    return this.#ask({ op: 'seal', slot }) as Promise<number>;
  }

  sealedPart(slot: number, part: number): Promise<string> {
    return this.#ask({ op: 'sealedPart', slot, part }) as Promise<string>;
  }

  /** Hands over one stored part of a sealed file (slot: the next free one, then the same). */
  async addPart(slot: number, text: string): Promise<void> {
    await this.#ask({ op: 'addPart', slot, text });
  }

  /** Opens (if sealed) and parses a held file; keeps its transactions for batch(). */
  read(
    slot: number,
    format: string,
    maxRows: number,
  ): Promise<{ rows: number; problems: CsvProblem[]; balances: BalanceItem[] }> {
    return this.#ask({ op: 'read', slot, format, maxRows }) as Promise<{
      rows: number;
      problems: CsvProblem[];
      balances: BalanceItem[];
    }>;
  }

  batch(slot: number, from: number, count: number): Promise<NormalizedTransaction[]> {
    return this.#ask({ op: 'batch', slot, from, count }) as Promise<NormalizedTransaction[]>;
  }

  /** Lets go of the thread; anything asked of this worker afterwards fails. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#thread.release();
  }

  #ask(ask: Ask, transfer = false): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error('the CSV worker was closed'));
    return this.#thread.ask(ask, transfer);
  }
}

/** The bytes in an ArrayBuffer of their own, so that they move to the worker without a copy. */
function transferable(bytes: Buffer): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes;
  return new Uint8Array(bytes);
}
