import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient } from '../helpers/clients.ts';
import { startServerWithMail } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { personWithToken, type PlatformClient } from './support/platform-client.ts';

const CLOSED_PORT_URL = 'http://127.0.0.1:9';
const HEADER = 'Date,Received Quantity,Received Currency,Sent Quantity,Sent Currency,Fee Amount,Fee Currency,Tag';
/** The CSV limit this server has; its JSON body limit is twice that plus 64 KiB (escapes). */
const CSV_MAX_BYTES = 600_000;
const BODY_LIMIT = 2 * CSV_MAX_BYTES + 64 * 1024;

/** A universal CSV of about `bytes` bytes: one deposit a minute. */
function csvOf(bytes: number): { content: string; rows: number } {
  const lines = [HEADER];
  let size = HEADER.length;
  for (let i = 0; size < bytes; i++) {
    const line = `${new Date(Date.UTC(2021, 0, 1) + i * 60_000).toISOString()},0.${String(i + 1).padStart(8, '0')},BTC,,,,,deposit`;
    lines.push(line);
    size += line.length + 1;
  }
  return { content: lines.join('\n'), rows: lines.length - 1 };
}

// A JSON body over 256 KiB is not gathered on the event loop: its parts go to a CSV worker as
// they arrive, which parses it. These check that path through HTTP: the body arrives whole,
// and what a client gets wrong is a 4xx with Fastify's usual answer.
describe('large JSON link bodies, read by the CSV worker as they arrive', () => {
  let server: TestServer;
  let close: () => Promise<void>;
  let api: PlatformClient;
  let token: string;

  beforeAll(async () => {
    const started = await startServerWithMail({
      env: {
        COINGECKO_API_URL: CLOSED_PORT_URL,
        ESPLORA_URL: CLOSED_PORT_URL,
        PORTFOLIO_CSV_MAX_BYTES: String(CSV_MAX_BYTES),
      },
    });
    ({ server, close } = started);
    const client = await createTestClient(server, {
      name: 'Uploader',
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['read:providers', 'write:providers', 'read:assets', 'read:transactions'],
    });
    ({ api, token } = await personWithToken(server, started.smtp, client, 'uploader@example.com'));
  });
  afterAll(() => close());

  const send = (body: string | ReadableStream<Uint8Array>) =>
    fetch(`${server.url}/platform/v2/providers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
      ...(typeof body === 'string' ? {} : { duplex: 'half' }),
    } as RequestInit);

  it('links a file from a body of many parts, the text after it (multi-byte characters) intact', async () => {
    const { content, rows } = csvOf(500_000);
    // The label comes after the file, so it arrives in the body's last parts.
    const body = JSON.stringify({
      provider_id: 'csv',
      connection: { type: 'csv', content },
      display_label: 'Ünïcödé ☃ 財布',
    });
    expect(Buffer.byteLength(body)).toBeGreaterThan(256 * 1024);
    const answer = await send(body);
    expect(answer.status).toBe(201);
    const { data } = (await answer.json()) as { data: { connection_id: string } };

    for (;;) {
      const listed = await api.get<{
        providers: Array<{ connection_id: string; status: string; display_label: string }>;
      }>('/platform/v2/providers');
      const linked = listed.body.data.providers.find((p) => p.connection_id === data.connection_id)!;
      expect(linked.display_label).toBe('Ünïcödé ☃ 財布');
      if (linked.status === 'connected') break;
      expect(['syncing', 'pending']).toContain(linked.status);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const page = await api.get<{ transactions: Array<{ timestamp: number }> }>('/platform/v2/transactions?limit=1');
    // Newest first: the file's last row, a minute per row after the first.
    expect(page.body.data.transactions[0]!.timestamp).toBe(Date.UTC(2021, 0, 1) + (rows - 1) * 60_000);
  });

  it('answers 400, naming JSON, for a large body that is not JSON', async () => {
    const { content } = csvOf(400_000);
    const cut = JSON.stringify({ provider_id: 'csv', connection: { type: 'csv', content } }).slice(0, -3);
    const answer = await send(cut);
    expect(answer.status).toBe(400);
    const body = (await answer.json()) as { data: null; errors: Array<{ cause: string; message: string }> };
    expect(body.errors[0]).toMatchObject({ cause: 'bad_request', message: expect.stringMatching(/JSON/) });
  });

  it('answers 413 for a body over the limit, declared by its Content-Length', async () => {
    const answer = await send(`{"provider_id":"csv","pad":"${'x'.repeat(BODY_LIMIT)}"}`);
    expect(answer.status).toBe(413);
    expect(((await answer.json()) as { errors: Array<{ message: string }> }).errors[0]!.message).toMatch(/too large/i);
  });

  it('answers 413 for a chunked body that grows over the limit', async () => {
    const part = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"provider_id":"csv","pad":"'));
      },
      pull(controller) {
        // Bounded: the server stops reading at the limit; the stream ends a little after it.
        if (sent > BODY_LIMIT + part.length * 4) return controller.close();
        sent += part.length;
        controller.enqueue(part);
      },
    });
    const answer = await send(stream).catch((error: Error) => error);
    // The server may close the connection as soon as it has answered, before the client is done.
    if (answer instanceof Error) expect(answer.message).toMatch(/fetch failed|other side closed|socket/i);
    else {
      expect(answer.status).toBe(413);
      expect(answer.headers.get('connection')).toBe('close');
    }
  });
});
