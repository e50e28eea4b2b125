import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startTestServer, type TestServer } from '../helpers/server.ts';
import { newHost, type ApiClient } from './support/api.ts';
import { mondayAhead, utc } from './support/dates.ts';

type Delivery = { status: string; lastError: string | null; lastStatusCode: number | null };

describe('review #2: webhook SSRF — registration and the delivery log', () => {
  let server: TestServer;
  let api: ApiClient;
  let eventTypeId = '';
  const plain = createServer((_request, response) => response.writeHead(500).end());
  let plainPort = 0;
  let slot = 0;
  const monday = mondayAhead('UTC', 3);

  beforeAll(async () => {
    server = await startTestServer();
    ({ api } = await newHost(server));
    eventTypeId = (await api.post('/event-types', { name: 'Demo', durations: [30] })).body.id as string;
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    plainPort = (plain.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await server.close();
    await new Promise<void>((resolve) => plain.close(() => resolve()));
  });

  it('refuses internal names and special-purpose addresses at registration', async () => {
    const strict = await startTestServer({ env: { WEBHOOK_ALLOW_LOOPBACK: 'false' } });
    const { api } = await newHost(strict);
    for (const url of [
      'https://localhost./h',
      'http://127.0.0.1:9/h',
      'https://metadata.google.internal./h',
      'https://100.64.0.1/h',
      'https://198.18.0.1/h',
      'https://[::7f00:1]/h',
      'https://[::ffff:a9fe:a9fe]/h',
      'https://[2002:7f00:1::1]/h',
    ]) {
      const res = await api.post('/webhooks', { url });
      expect(res.status, url).toBe(400);
    }
    await strict.close();
  });

  /** Registers `url`, books once and returns the first attempt's log entry. */
  async function firstAttempt(url: string): Promise<Delivery> {
    const hook = await api.post<{ id: string }>('/webhooks', { url });
    expect(hook.status).toBe(201);
    await api.post('/bookings', {
      eventTypeId,
      start: utc(monday.plus({ days: Math.floor(slot / 8), hours: 9 + (slot++ % 8) })),
      invitee: { name: 'Wes', email: 'wes@example.com', timezone: 'UTC' },
    });
    await server.kernel.jobs.drain();
    const [delivery] = (await api.get<{ deliveries: Delivery[] }>(`/webhooks/${hook.body.id}/deliveries`)).body
      .deliveries;
    await api.delete(`/webhooks/${hook.body.id}`);
    return delivery!;
  }

  it('shows generic reasons only: no address, port, errno or certificate text', async () => {
    const refused = await firstAttempt(`http://127.0.0.1:${await freePort()}/h`);
    const http500 = await firstAttempt(`http://127.0.0.1:${plainPort}/h`);
    expect([refused.lastError, http500.lastError]).toEqual(['connection failed', 'HTTP 500']);
    for (const d of [refused, http500])
      expect(d.lastError).not.toMatch(/127\.0\.0\.1|ECONN|EPROTO|SSL|certificate|:\d{2,5}/);
    const page = JSON.stringify(await api.get('/webhooks'));
    expect(page).not.toMatch(/ECONNREFUSED|wrong version/);
  });
});
