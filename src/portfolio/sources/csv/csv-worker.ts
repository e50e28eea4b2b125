/**
 * The CSV worker thread: holds CSV files for one request or one sync, so that their text never
 * crosses the event loop whole. It parses upload bodies (JSON or multipart) and keeps their CSV
 * texts, checks a file (streaming, see read-rows.ts), seals it with the credentials box and
 * hands the sealed text out in parts (to be stored as they come), and for a sync opens the
 * stored parts again and answers the transactions a batch at a time. Requests and answers are
 * described in parse-off-thread.ts.
 */
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { SecretBox } from '../../../kernel/crypto/secret-box.ts';
import { MalformedBody } from '../../../kernel/http/malformed-body.ts';
import { parseStrictJson } from '../../../kernel/http/strict-json.ts';
import { yieldCpuToEventLoop } from '../../../kernel/threads/module-worker.ts';
import { parseMultipart } from '../../connect/multipart.ts';
import { sumBalances } from '../../ledger/sum-balances.ts';
import type { NormalizedTransaction } from '../../ledger/normalized.ts';
import { CSV_FORMATS } from './formats.ts';
import {
  HELD,
  SEALED_PART_CHARS,
  type BodyPart,
  type CsvAnswer,
  type CsvRequest,
  type CsvWorkerData,
} from './parse-off-thread.ts';

yieldCpuToEventLoop();
const box = SecretBox.withDerivedKey((workerData as CsvWorkerData).key);

interface Held {
  text: string;
  sealed?: string;
  transactions?: NormalizedTransaction[];
  parts?: string[];
}
const slots: Held[] = [];
/** An upload body's parts so far, as the event loop received them (see CsvWorker.addBodyPart). */
const bodyParts: Uint8Array[] = [];

function hold(text: string): number {
  return slots.push({ text }) - 1;
}

function slot(index: number): Held {
  const held = slots[index];
  if (!held) throw new Error(`the CSV worker holds no file ${index}`);
  return held;
}

async function answer(request: CsvRequest): Promise<unknown> {
  switch (request.op) {
    case 'holdJson': {
      const body = parseStrictJson(Buffer.concat(bodyParts.splice(0)));
      const held: Array<[number, number]> = [];
      const items = Array.isArray(body) ? body : [body];
      items.forEach((item, index) => {
        const connection = (item as { connection?: { type?: unknown; content?: unknown } } | null)?.connection;
        if (connection?.type === 'csv' && typeof connection.content === 'string' && connection.content !== '') {
          held.push([index, hold(connection.content)]);
          connection.content = HELD;
        }
      });
      return { body, held };
    }
    case 'holdForm': {
      let fields: Record<string, string | undefined>;
      try {
        fields = parseMultipart(
          Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength),
          request.contentType,
        );
      } catch (error) {
        throw new MalformedBody(`the form could not be read (${(error as Error).message})`);
      }
      // The form's file wins over its pasted text, as csvInput() chooses.
      const text = fields.file?.trim() ? fields.file : fields.content;
      delete fields.file;
      delete fields.content;
      return { fields, held: text?.trim() ? hold(text) : undefined };
    }
    case 'holdText':
      return hold(request.text);
    case 'check': {
      const held = slot(request.slot);
      const bytes = Buffer.byteLength(held.text, 'utf8');
      if (bytes > request.maxBytes) return { bytes, rows: 0, problems: [], digest: '' };
      const reader = CSV_FORMATS[request.format];
      if (!reader)
        return {
          bytes,
          rows: 0,
          problems: [{ line: 1, message: `CSV format ${request.format} is unknown` }],
          digest: '',
        };
      const { transactions, problems } = await reader.parse(held.text, request.maxRows);
      const digest = createHash('sha256').update(`${request.format}\u0000${held.text}`).digest('base64url');
      return { bytes, rows: transactions.length, problems, digest };
    }
    case 'seal': {
      const held = slot(request.slot);
      held.sealed ??= box.seal(held.text);
      return Math.ceil(held.sealed.length / SEALED_PART_CHARS);
    }
    case 'sealedPart': {
      const sealed = slot(request.slot).sealed ?? '';
      return sealed.slice(request.part * SEALED_PART_CHARS, (request.part + 1) * SEALED_PART_CHARS);
    }
    case 'addPart': {
      if (request.slot === slots.length) slots.push({ text: '', parts: [] });
      slot(request.slot).parts?.push(request.text);
      return null;
    }
    case 'read': {
      const held = slot(request.slot);
      if (held.parts) {
        held.text = box.open(held.parts.join(''));
        delete held.parts;
      }
      const reader = CSV_FORMATS[request.format];
      if (!reader)
        return { rows: 0, problems: [{ line: 1, message: `CSV format ${request.format} is unknown` }], balances: [] };
      const { transactions, problems } = await reader.parse(held.text, request.maxRows);
      held.text = '';
      if (problems.length) return { rows: 0, problems, balances: [] };
      held.transactions = transactions;
      return { rows: transactions.length, problems: [], balances: sumBalances(transactions) };
    }
    case 'batch':
      return (slot(request.slot).transactions ?? []).slice(request.from, request.from + request.count);
    case 'reset':
      // Kept warm for the next request or sync: nothing of this one's files stays.
      slots.length = 0;
      bodyParts.length = 0;
      return null;
  }
}

parentPort!.on('message', (request: CsvRequest | BodyPart) => {
  // Unanswered: a failure shows in the holdJson that follows (a body that is not JSON).
  if (request.op === 'bodyPart') return void bodyParts.push(request.part);
  answer(request).then(
    (value) => parentPort!.postMessage({ id: request.id, ok: true, value } satisfies CsvAnswer),
    (error: unknown) => {
      const status = (error as { statusCode?: number }).statusCode;
      parentPort!.postMessage({
        id: request.id,
        ok: false,
        message: (error as Error).message ?? String(error),
        ...(status ? { status } : {}),
      } satisfies CsvAnswer);
    },
  );
});
