import type { Destination } from '../destination.ts';

/**
 * Delivers a one-time code. Implementations throw DeliveryFailed (the person sees a clear
 * error and may retry) or ChannelUnavailable; they never log the code unless they are the
 * development-mode log sender.
 */
export interface CodeSender {
  send(destination: Destination, code: string): Promise<void>;
}

/** Routes each destination to the sender of its channel. */
export class ChannelRouter implements CodeSender {
  constructor(private readonly senders: Record<Destination['channel'], CodeSender>) {}

  send(destination: Destination, code: string): Promise<void> {
    return this.senders[destination.channel].send(destination, code);
  }
}
