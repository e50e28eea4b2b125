import type { FastifyBaseLogger } from 'fastify';
import { loadNodemailer } from '../../kernel/load-nodemailer.ts';
import type { Destination } from '../destination.ts';
import { DeliveryFailed } from '../errors.ts';
import { emailSubject, emailText } from './code-message.ts';
import type { CodeSender } from './code-sender.ts';

export interface SmtpSenderOptions {
  url: string;
  from: string;
  issuer: string;
  log: FastifyBaseLogger;
}

/** Email through SMTP (nodemailer), over a small pool of reused connections. */
export class SmtpSender implements CodeSender {
  private readonly transport;

  constructor(private readonly options: SmtpSenderOptions) {
    // Short timeouts: a person is waiting on the page, and nodemailer's defaults run to minutes.
    this.transport = loadNodemailer().createTransport({
      url: options.url,
      pool: true,
      maxConnections: 3,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
  }

  async send(destination: Destination, code: string): Promise<void> {
    try {
      await this.transport.sendMail({
        from: this.options.from,
        to: destination.address,
        subject: emailSubject(code),
        text: emailText(code, this.options.issuer),
      });
    } catch (error) {
      // Only the SMTP status is logged: the error's text may quote the message, which holds the code.
      const {
        code: errorCode,
        responseCode,
        command,
      } = error as { code?: string; responseCode?: number; command?: string };
      this.options.log.warn({ errorCode, responseCode, command }, 'one-time code email could not be sent');
      throw new DeliveryFailed('email');
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
