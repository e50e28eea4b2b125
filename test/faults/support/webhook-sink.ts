import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Arrival {
  deliveryId: string;
  event: string;
  bookingId: string;
  attempt: number;
}

/**
 * A webhook receiver on 127.0.0.1 that answers 200 after `holdMs` and keeps every arrival with
 * its delivery id (the X-Caledee-Delivery-Id header a real receiver deduplicates by). Two
 * arrivals of one delivery overlapping in time mean its job ran twice at once.
 */
export class WebhookSink {
  private server: Server | undefined;
  private readonly open = new Map<string, number>();
  readonly arrivals: Arrival[] = [];
  readonly overlapping: string[] = [];
  url = '';

  constructor(private readonly holdMs: number) {}

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          event: string;
          attempt: number;
          data: { id: string };
        };
        const deliveryId = String(request.headers['x-caledee-delivery-id'] ?? '');
        this.arrivals.push({ deliveryId, event: body.event, bookingId: body.data.id, attempt: body.attempt });
        const open = this.open.get(deliveryId) ?? 0;
        if (open > 0) this.overlapping.push(deliveryId);
        this.open.set(deliveryId, open + 1);
        setTimeout(() => {
          this.open.set(deliveryId, (this.open.get(deliveryId) ?? 1) - 1);
          response.writeHead(200).end();
        }, this.holdMs);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  /** Arrivals of `event` for `bookingId`. */
  of(bookingId: string, event = 'booking_created'): Arrival[] {
    return this.arrivals.filter((a) => a.bookingId === bookingId && a.event === event);
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
