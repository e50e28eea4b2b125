import type { EventType } from '../event-types/event-type.ts';
import type { Schedule } from '../schedules/schedule.ts';
import { toIsoUtc } from '../time.ts';
import type { Webhook, WebhookDelivery } from '../webhooks/webhook.ts';

/** An event type with its public page URL; optional fields left out when unset. */
export function eventTypeToJson(e: EventType, hostSlug: string, issuer: string) {
  return {
    id: e.id,
    name: e.name,
    slug: e.slug,
    url: `${issuer}/${hostSlug}/${e.slug}`,
    kind: 'one_on_one' as const,
    durations: e.durations,
    ...(e.description !== null ? { description: e.description } : {}),
    location: e.location,
    bufferBeforeMin: e.bufferBeforeMin,
    bufferAfterMin: e.bufferAfterMin,
    minimumNoticeMin: e.minimumNoticeMin,
    ...(e.dailyLimit !== null ? { dailyLimit: e.dailyLimit } : {}),
    ...(e.bookingWindowDays !== null ? { bookingWindowDays: e.bookingWindowDays } : {}),
    ...(e.slotIntervalMin !== null ? { slotIntervalMin: e.slotIntervalMin } : {}),
    ...(e.scheduleId !== null ? { scheduleId: e.scheduleId } : {}),
    active: e.active,
  };
}

export function scheduleToJson(s: Schedule) {
  return {
    id: s.id,
    name: s.name,
    timezone: s.timezone,
    isDefault: s.isDefault,
    weekly: s.weekly,
    overrides: s.overrides,
    outOfOffice: s.outOfOffice,
  };
}

export function webhookToJson(w: Webhook) {
  return {
    id: w.id,
    url: w.url,
    events: w.events,
    active: w.active,
    consecutiveFailures: w.consecutiveFailures,
    ...(w.disabledReason !== null ? { disabledReason: w.disabledReason } : {}),
    createdAt: toIsoUtc(w.createdAt),
  };
}

export function deliveryToJson(d: WebhookDelivery) {
  return {
    id: d.id,
    event: d.event,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    createdAt: toIsoUtc(d.createdAt),
    updatedAt: toIsoUtc(d.updatedAt),
  };
}
