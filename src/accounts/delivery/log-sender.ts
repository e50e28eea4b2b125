import type { FastifyBaseLogger } from 'fastify';
import type { Destination } from '../destination.ts';
import { ChannelUnavailable } from '../errors.ts';
import type { CodeSender } from './code-sender.ts';

const HOW_TO_CONFIGURE: Record<Destination['channel'], string> = {
  email: 'set SMTP_URL to send email',
  sms: 'set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM to send SMS',
};

/** Development only: writes the code to the server log, marked so nobody mistakes it for delivery. */
export class LogSender implements CodeSender {
  constructor(private readonly log: FastifyBaseLogger) {}

  async send(destination: Destination, code: string): Promise<void> {
    this.log.warn(
      { channel: destination.channel, destination: destination.address },
      `DEVELOPMENT MODE — one-time code ${code} (${HOW_TO_CONFIGURE[destination.channel]})`,
    );
  }
}

/** Production without a provider for a channel: codes are never logged, the channel is refused. */
export class UnavailableSender implements CodeSender {
  async send(destination: Destination): Promise<void> {
    throw new ChannelUnavailable(destination.channel);
  }
}

export function configurationHint(channel: Destination['channel']): string {
  return HOW_TO_CONFIGURE[channel];
}
