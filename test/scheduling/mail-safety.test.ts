import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type BuiltApp } from '../../src/app.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { buildIcs } from '../../src/scheduling/email/ics.ts';
import { freshDatabaseUrl } from '../helpers/database.ts';
import { freePort, type TestServer } from '../helpers/server.ts';
import { TestClock } from '../helpers/test-clock.ts';
import { newHost } from './support/api.ts';
import { mondayAhead, utc } from './support/dates.ts';

const production = { NODE_ENV: 'production', SECRET_KEY: 'x'.repeat(43), ISSUER: 'https://id.example' };

describe('review #6: production mail falls back to the log', () => {
  it('refuses to start in production with scheduling and no SMTP_URL', () => {
    expect(() => loadConfig(production)).toThrow(ConfigError);
    expect(() => loadConfig(production)).toThrow(/SMTP_URL is required in production/);
    expect(() => loadConfig({ ...production, PRODUCTS: 'portfolio' })).not.toThrow();
    expect(() => loadConfig({ ...production, SMTP_URL: 'smtp://mail.example:587' })).not.toThrow();
  });

  describe('without SMTP_URL outside production', () => {
    let built: BuiltApp;
    let drop: () => Promise<void>;
    let output = '';
    beforeAll(async () => {
      const port = await freePort();
      const database = await freshDatabaseUrl();
      drop = database.drop;
      const config = loadConfig({
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: String(port),
        ISSUER: `http://127.0.0.1:${port}`,
        DATABASE_URL: database.url,
        SECRET_KEY: 'dGVzdC1zZWNyZXQta2V5LXRoYXQtaXMtMzItYnl0ZXMhIQ',
        JANITOR_INTERVAL_SECONDS: '0',
      });
      const stream = new Writable({
        write: (chunk: Buffer, _encoding, done) => ((output += chunk.toString('utf8')), done()),
      });
      built = await buildApp(config, { clock: new TestClock(), logger: { level: 'info', stream } });
      await built.app.listen({ host: '127.0.0.1', port });
    });
    afterAll(async () => {
      await built.app.close();
      await drop();
    });

    it('logs that an email went to whom, never the manage link’s token', async () => {
      const server = { ...built, url: built.kernel.config.ISSUER } as unknown as TestServer;
      const { api } = await newHost(server);
      const eventTypeId = (await api.post('/event-types', { name: 'Demo', durations: [30] })).body.id as string;
      const booking = await api.post<{ id: string }>('/bookings', {
        eventTypeId,
        start: utc(mondayAhead('UTC', 3).set({ hour: 10 })),
        invitee: { name: 'Wes', email: 'wes@example.com', timezone: 'UTC' },
      });
      expect(booking.status).toBe(201);
      await built.kernel.jobs.drain();
      expect(output).toContain('wes@example.com');
      expect(output).toContain('scheduling email not sent');
      expect(output).toContain('token=[masked]');
      expect(output).not.toMatch(/token=(?!\[masked\])[\w-]{10,}/);
    });
  });
});

describe('review #14: .ics escapes a lone CR', () => {
  it('escapes CR, LF and CRLF in text values so no raw line break ends a content line', () => {
    const ics = buildIcs({
      uid: 'b1@example',
      method: 'REQUEST',
      sequence: 0,
      start: 0,
      end: 1_800_000,
      stamp: 0,
      summary: 'Chat\rX-INJECTED:1',
      description: 'one\r\ntwo\nthree\rfour',
      location: 'Room\r9',
      organizer: { name: 'Host', email: 'host@example.com' },
      attendee: { name: 'Wes', email: 'wes@example.com' },
    });
    const lines = ics.split('\r\n');
    for (const line of lines) expect(line, JSON.stringify(line)).not.toMatch(/[\r\n]/);
    expect(lines).toContain('SUMMARY:Chat\\nX-INJECTED:1');
    expect(lines).toContain('DESCRIPTION:one\\ntwo\\nthree\\nfour');
    expect(lines).toContain('LOCATION:Room\\n9');
    expect(lines.some((l) => l.startsWith('X-INJECTED'))).toBe(false);
  });
});
