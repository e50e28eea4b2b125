import type { FastifyBaseLogger } from 'fastify';
import { loadNodemailer } from '../../kernel/load-nodemailer.ts';
import type { Config } from '../../config.ts';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  attachments?: Array<{ filename: string; content: string; contentType: string }>;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * SMTP through nodemailer when SMTP_URL is set; otherwise (development and tests only: production
 * refuses to start without it) the mail is written to the log with its credentials masked.
 */
export function createMailer(config: Config, log: FastifyBaseLogger): Mailer {
  if (!config.SMTP_URL) {
    return {
      async send(mail) {
        // The manage link is a bearer credential: the text is logged with every token masked.
        log.info(
          { to: mail.to, subject: mail.subject },
          `DEVELOPMENT MODE: scheduling email not sent (no SMTP_URL):\n${maskCredentials(mail.text)}`,
        );
      },
      close() {},
    };
  }
  const transport = loadNodemailer().createTransport(config.SMTP_URL);
  return {
    async send(mail) {
      await transport.sendMail({
        from: config.MAIL_FROM,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        attachments: mail.attachments,
      });
    },
    close: () => transport.close(),
  };
}

/** Replaces the value of every `token=` / `code=` query parameter in a text. */
export function maskCredentials(text: string): string {
  return text.replace(/([?&](?:token|code)=)[^&\s]+/gi, '$1[masked]');
}
