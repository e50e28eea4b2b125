import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inbox } from './smtp.ts';

export interface CapturedSms {
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
}

export interface TwilioCapture {
  /** Base URL for TWILIO_API_URL. */
  url: string;
  accountSid: string;
  authToken: string;
  /** A sender number for TWILIO_FROM. */
  from: string;
  messages: CapturedSms[];
  /** The 6-digit code of the next unread SMS to `to` (E.164); waits for it to arrive. */
  waitForCode(to: string, timeoutMs?: number): Promise<string>;
  waitForMessage(to: string, timeoutMs?: number): Promise<CapturedSms>;
  /** The next message is refused with this HTTP status and Twilio error code. */
  failNext(status: number, twilioCode?: number, message?: string): void;
  close(): Promise<void>;
}

/**
 * A local stand-in for Twilio's Messages resource speaking its wire format: form-encoded POST to
 * /2010-04-01/Accounts/{AccountSid}/Messages.json with HTTP Basic auth; 201 with the message
 * resource as JSON, or an error body {code, message, more_info, status}.
 */
export async function startTwilioCapture(): Promise<TwilioCapture> {
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  const messages: CapturedSms[] = [];
  const inbox = new Inbox<CapturedSms>();
  const failures: Array<{ status: number; code: number; message: string }> = [];

  const server = createServer((request, response) => {
    readBody(request).then(
      (body) => handle(request, body, response),
      () => fail(response, 400, 20001, 'Could not read the request'),
    );
  });

  function handle(request: IncomingMessage, body: string, response: ServerResponse): void {
    if (request.method !== 'POST' || request.url !== `/2010-04-01/Accounts/${accountSid}/Messages.json`) {
      return fail(response, 404, 20404, 'The requested resource was not found');
    }
    const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
    if (request.headers.authorization !== expected) return fail(response, 401, 20003, 'Authenticate');
    if (!request.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
      return fail(response, 400, 20001, 'Content-Type must be application/x-www-form-urlencoded');
    }
    const form = new URLSearchParams(body);
    const to = form.get('To');
    const text = form.get('Body');
    const sender = form.get('From');
    const service = form.get('MessagingServiceSid');
    if (!to) return fail(response, 400, 21604, "A 'To' phone number is required.");
    if (!text) return fail(response, 400, 21602, 'Message body is required.');
    if (!sender && !service) return fail(response, 400, 21603, "A 'From' phone number is required.");
    const forced = failures.shift();
    if (forced) return fail(response, forced.status, forced.code, forced.message);
    const sms: CapturedSms = { to, from: sender, messagingServiceSid: service, body: text };
    messages.push(sms);
    inbox.deliver(to, sms);
    const sid = `SM${randomBytes(16).toString('hex')}`;
    send(response, 201, {
      sid,
      account_sid: accountSid,
      to,
      from: sender,
      messaging_service_sid: service,
      body: text,
      status: service ? 'accepted' : 'queued',
      direction: 'outbound-api',
      num_segments: '1',
      api_version: '2010-04-01',
      date_created: new Date().toUTCString(),
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const waitForMessage = (to: string, timeoutMs = 10_000) => inbox.next(to, timeoutMs);
  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    from: '+15005550006',
    messages,
    waitForMessage,
    async waitForCode(to, timeoutMs) {
      const sms = await waitForMessage(to, timeoutMs);
      const code = /(?<!\d)\d{6}(?!\d)/.exec(sms.body)?.[0];
      if (!code) throw new Error(`no 6-digit code in the SMS to ${to}: ${sms.body}`);
      return code;
    },
    failNext(status, twilioCode = 30_000 + status, message = 'Refused by the test') {
      failures.push({ status, code: twilioCode, message });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function fail(response: ServerResponse, status: number, code: number, message: string): void {
  send(response, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}
