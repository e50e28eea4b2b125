import type { WebhookEventName } from '../bookings/booking-events.ts';

/** An endpoint a host registered for booking events. */
export interface Webhook {
  id: string;
  userId: string;
  url: string;
  events: WebhookEventName[];
  active: boolean;
  consecutiveFailures: number;
  disabledAt: number | null;
  disabledReason: string | null;
  createdAt: number;
  /** Who made it: an app under the person's consent (its client and grant), or the person. */
  origin: WebhookOrigin;
}

export type WebhookOrigin = { kind: 'person' } | { kind: 'app'; clientId: string; grantId: string };

export interface WebhookDelivery {
  id: string;
  webhookId: string;
  event: WebhookEventName;
  data: unknown;
  status: 'pending' | 'succeeded' | 'failed' | 'skipped';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

/** Consecutive failed attempts after which an endpoint is disabled. */
export const DISABLE_AFTER_FAILURES = 15;
/** Attempts per delivery: 1 + retries at 30 s, 1 min, 2 min, … (about 4 h in all). */
export const MAX_DELIVERY_ATTEMPTS = 10;
export const FIRST_RETRY_MS = 30_000;

/** Shown to the host on a webhook whose app lost the person's consent. */
export const CONSENT_ENDED_REASON =
  'Disabled because the app that registered it no longer has your consent (access revoked or the app deleted).';
