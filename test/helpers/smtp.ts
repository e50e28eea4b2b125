import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** Messages per recipient, handed out in arrival order; a reader waits for the next one. */
export class Inbox<T> {
  private readonly unread = new Map<string, T[]>();
  private readonly waiting = new Map<string, Array<(item: T) => void>>();

  deliver(recipient: string, item: T): void {
    const key = recipient.toLowerCase();
    const waiter = this.waiting.get(key)?.shift();
    if (waiter) return waiter(item);
    this.unread.set(key, [...(this.unread.get(key) ?? []), item]);
  }

  /** The oldest unread item for `recipient`, waiting for it to arrive (up to `timeoutMs`). */
  next(recipient: string, timeoutMs: number): Promise<T> {
    const key = recipient.toLowerCase();
    const ready = this.unread.get(key)?.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.set(
          key,
          (this.waiting.get(key) ?? []).filter((w) => w !== receive),
        );
        reject(new Error(`nothing arrived for ${recipient} within ${timeoutMs} ms`));
      }, timeoutMs);
      const receive = (item: T) => {
        clearTimeout(timer);
        resolve(item);
      };
      this.waiting.set(key, [...(this.waiting.get(key) ?? []), receive]);
    });
  }

  /** Items that arrived and were never read (e.g. to assert that nothing was sent). */
  pending(recipient: string): T[] {
    return this.unread.get(recipient.toLowerCase()) ?? [];
  }
}

export interface CapturedEmail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  raw: string;
}

export interface SmtpCapture {
  /** `smtp://127.0.0.1:PORT`, for SMTP_URL. */
  url: string;
  /** Every message received, in order. */
  messages: CapturedEmail[];
  /** The 6-digit code of the next unread email to `to`; waits for it to arrive. */
  waitForCode(to: string, timeoutMs?: number): Promise<string>;
  /** The next unread email to `to`. */
  waitForMessage(to: string, timeoutMs?: number): Promise<CapturedEmail>;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 (ephemeral port) that keeps every message it accepts. */
export async function startSmtpCapture(): Promise<SmtpCapture> {
  const messages: CapturedEmail[] = [];
  const inbox = new Inbox<CapturedEmail>();
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 1000,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username }),
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        const mail = { ...parseMessage(raw), from, to, raw };
        messages.push(mail);
        for (const recipient of to) inbox.deliver(recipient, mail);
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // Once listening, the server's errors are its clients' connections failing (ECONNRESET from a
  // node killed mid-session by the fault suite): no error of the capture, and unheard they
  // would be thrown as the test run's own.
  server.on('error', () => undefined);
  const { port } = (server as unknown as { server: { address(): AddressInfo } }).server.address();
  const waitForMessage = (to: string, timeoutMs = 10_000) => inbox.next(to, timeoutMs);
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    waitForMessage,
    async waitForCode(to, timeoutMs) {
      const mail = await waitForMessage(to, timeoutMs);
      const code = /(?<!\d)\d{6}(?!\d)/.exec(mail.text)?.[0];
      if (!code) throw new Error(`no 6-digit code in the email to ${to}:\n${mail.text}`);
      return code;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Just enough MIME for single-part text mail: the Subject header and the decoded body. */
function parseMessage(raw: string): { subject: string; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = (split < 0 ? raw : raw.slice(0, split)).replace(/\r\n[ \t]+/g, ' ');
  const body = split < 0 ? '' : raw.slice(split + 4);
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  let text = body;
  if (encoding === 'base64') text = Buffer.from(body, 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    text = Buffer.from(
      body
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      'latin1',
    ).toString('utf8');
  }
  return { subject: header('Subject'), text: text.replace(/\r\n/g, '\n') };
}
