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

/** SMTP through nodemailer when SMTP_URL is set; otherwise the mail is written to the log (development). */
export function createMailer(config: Config, log: FastifyBaseLogger): Mailer {
  if (!config.SMTP_URL) {
    return {
      async send(mail) {
        log.info({ to: mail.to, subject: mail.subject }, `DEVELOPMENT MODE: scheduling email not sent (no SMTP_URL):\n${mail.text}`);
      },
      close() {},
    };
  }
  const transport = loadNodemailer().createTransport(config.SMTP_URL);
  return {
    async send(mail) {
      await transport.sendMail({ from: config.MAIL_FROM, to: mail.to, subject: mail.subject, text: mail.text, attachments: mail.attachments });
    },
    close: () => transport.close(),
  };
}
