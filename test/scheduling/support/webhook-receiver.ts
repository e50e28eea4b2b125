import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedDelivery {
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
  body: { event: string; attempt: number; sentAt: string; data: Record<string, unknown> };
  /** What the receiver answered. */
  status: number;
}

/**
 * The documented receiver recipe: HMAC-SHA256 over "<t>.<raw body>" with the endpoint secret,
 * compared in constant time, and a timestamp at most 300 s away from the receiver's clock.
 */
export function verifySignature(
  header: string | undefined,
  rawBody: string,
  secret: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  if (!header) return false;
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1) return false;
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A plain-HTTP webhook receiver on 127.0.0.1 that verifies signatures and answers as told. */
export async function startReceiver(options: { secret: () => string; nowSeconds: () => number }) {
  const received: ReceivedDelivery[] = [];
  const plan: number[] = [];
  let otherwise = 200;
  const waiters: Array<() => void> = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const signed = verifySignature(
        request.headers['x-caledee-signature'] as string | undefined,
        rawBody,
        options.secret(),
        options.nowSeconds(),
      );
      const status = signed ? (plan.shift() ?? otherwise) : 401;
      received.push({
        headers: request.headers,
        rawBody,
        body: JSON.parse(rawBody) as ReceivedDelivery['body'],
        status,
      });
      response.writeHead(status).end();
      waiters.splice(0).forEach((wake) => wake());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    /** Answers these statuses next, in order, then `thereafter`. */
    answer(statuses: number[], thereafter = 200) {
      plan.push(...statuses);
      otherwise = thereafter;
    },
    /** Resolves once `count` requests arrived in all (10 s at most). */
    async waitFor(count: number): Promise<ReceivedDelivery[]> {
      const deadline = Date.now() + 10_000;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} deliveries, got ${received.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200).unref();
        });
      }
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
