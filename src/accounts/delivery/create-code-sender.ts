import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.ts';
import type { Destination } from '../destination.ts';
import { ChannelRouter, type CodeSender } from './code-sender.ts';
import { configurationHint, LogSender, UnavailableSender } from './log-sender.ts';
import { SmtpSender } from './smtp-sender.ts';
import { TwilioSender } from './twilio-sender.ts';

export interface CodeDelivery {
  sender: CodeSender;
  close(): Promise<void>;
}

/**
 * Email via SMTP when SMTP_URL is set, SMS via Twilio when its three options are set. A channel
 * without a provider logs its codes in development and test, and is refused in production, where
 * a code in the log would be a credential in the log.
 */
export function createCodeDelivery(config: Config, log: FastifyBaseLogger): CodeDelivery {
  const twilio = [config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN, config.TWILIO_FROM];
  if (twilio.some(Boolean) && !twilio.every(Boolean)) {
    throw new Error('TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM must be set together');
  }
  const smtp = config.SMTP_URL
    ? new SmtpSender({ url: config.SMTP_URL, from: config.MAIL_FROM, issuer: config.ISSUER, log })
    : undefined;
  const sms =
    config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN && config.TWILIO_FROM
      ? new TwilioSender({
          apiUrl: config.TWILIO_API_URL,
          accountSid: config.TWILIO_ACCOUNT_SID,
          authToken: config.TWILIO_AUTH_TOKEN,
          from: config.TWILIO_FROM,
          issuer: config.ISSUER,
          log,
        })
      : undefined;
  return {
    sender: new ChannelRouter({
      email: smtp ?? fallback('email', config, log),
      sms: sms ?? fallback('sms', config, log),
    }),
    close: async () => smtp?.close(),
  };
}

function fallback(channel: Destination['channel'], config: Config, log: FastifyBaseLogger): CodeSender {
  if (config.NODE_ENV === 'production') {
    log.warn({ channel }, `sign-in by ${channel} is disabled: ${configurationHint(channel)}`);
    return new UnavailableSender();
  }
  log.warn(
    { channel },
    `DEVELOPMENT MODE — one-time codes for ${channel} are written to this log (${configurationHint(channel)})`,
  );
  return new LogSender(log);
}
