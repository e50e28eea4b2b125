import type { FastifyBaseLogger } from 'fastify';
import type { Destination } from '../destination.ts';
import { DeliveryFailed } from '../errors.ts';
import { smsBody } from './code-message.ts';
import type { CodeSender } from './code-sender.ts';

export interface TwilioSenderOptions {
  apiUrl: string;
  accountSid: string;
  authToken: string;
  /** A sender number (E.164) or a messaging service SID ("MG…"). */
  from: string;
  issuer: string;
  log: FastifyBaseLogger;
  timeoutMs?: number;
}

/**
 * SMS through Twilio's Messages resource: form-encoded POST with HTTP Basic (account SID and
 * auth token); 201 means accepted for delivery.
 * @see https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
 */
export class TwilioSender implements CodeSender {
  constructor(private readonly options: TwilioSenderOptions) {}

  async send(destination: Destination, code: string): Promise<void> {
    const { apiUrl, accountSid, authToken, from, issuer, log } = this.options;
    const url = `${apiUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`;
    const form = new URLSearchParams({ To: destination.address, Body: smsBody(code, issuer) });
    form.set(from.startsWith('MG') ? 'MessagingServiceSid' : 'From', from);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      log.warn({ reason: (error as Error).name }, 'one-time code SMS could not be sent: Twilio unreachable');
      throw new DeliveryFailed('sms');
    }
    const reply = await readJson(response);
    if (!response.ok) {
      // Twilio's error body is {code, message, more_info, status}; it never echoes the message body.
      log.warn(
        { status: response.status, twilioCode: reply?.code, twilioMessage: reply?.message },
        'one-time code SMS was refused by Twilio',
      );
      throw new DeliveryFailed('sms');
    }
  }
}

async function readJson(response: Response): Promise<{ code?: unknown; message?: unknown } | undefined> {
  try {
    return (await response.json()) as { code?: unknown; message?: unknown };
  } catch {
    return undefined;
  }
}
