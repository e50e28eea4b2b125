import type { FastifyBaseLogger } from 'fastify';
import { EgressError, egressRequest, type Resolver } from '../../kernel/egress/index.ts';
import type { SecretBox } from '../../kernel/crypto/secret-box.ts';
import type { Clock } from '../../kernel/clock.ts';
import { toIsoUtc } from '../time.ts';
import { signatureHeader } from './signature.ts';
import type { WebhookRepository } from './webhook-repository.ts';
import type { GrantStatus } from '../../oauth/index.ts';
import { CONSENT_ENDED_REASON, DISABLE_AFTER_FAILURES, MAX_DELIVERY_ATTEMPTS } from './webhook.ts';

export const DELIVERY_JOB = 'scheduling.webhook-delivery';

export interface DeliveryDeps {
  repo: WebhookRepository;
  secrets: SecretBox;
  clock: Clock;
  log: FastifyBaseLogger;
  grants: Pick<GrantStatus, 'isGrantActive'>;
  /** Tests: plain http to loopback receivers (the same switch as registration). */
  allowLoopback: boolean;
  timeoutMs?: number;
  resolver?: Resolver;
}

/** Thrown to make the job queue retry the delivery later (with exponential backoff). */
export class RetryDelivery extends Error {}

/**
 * One attempt of one delivery (the job handler). Idempotent on replays: a delivery that is no
 * longer pending is left alone. A failure counts against the endpoint; at 15 in a row the
 * endpoint is disabled with the reason shown to its host.
 */
export async function deliverWebhook(deps: DeliveryDeps, deliveryId: string): Promise<void> {
  const { repo, clock } = deps;
  const delivery = await repo.findDelivery(deliveryId);
  if (!delivery || delivery.status !== 'pending') return;
  const webhook = await repo.findRow(delivery.webhookId);
  const now = clock.now();
  if (!webhook || webhook.active !== 1) {
    await repo.recordAttempt(
      delivery.id,
      { status: 'skipped', attempts: delivery.attempts, code: null, error: 'the endpoint is disabled' },
      now,
    );
    return;
  }
  // The app's consent may have ended after this delivery was queued (on a node, or from a CLI,
  // whose listeners did not run): checked on every attempt, so nothing leaves without it.
  if (webhook.grant_id && !(await deps.grants.isGrantActive(webhook.grant_id))) {
    await repo.disable(webhook.id, CONSENT_ENDED_REASON, now);
    await repo.recordAttempt(
      delivery.id,
      { status: 'skipped', attempts: delivery.attempts, code: null, error: 'the endpoint is disabled' },
      now,
    );
    return;
  }
  const attempt = delivery.attempts + 1;
  const body = JSON.stringify({ event: delivery.event, attempt, sentAt: toIsoUtc(now), data: delivery.data });
  const outcome = await post(deps, webhook.url, body, {
    'content-type': 'application/json',
    'user-agent': 'Consentry-Webhooks/1',
    'x-caledee-event': delivery.event,
    // The same on every attempt of one delivery: a delivery that arrives twice (its node died
    // before recording the answer) is recognised by it.
    'x-caledee-delivery-id': delivery.id,
    'x-caledee-delivery-attempt': String(attempt),
    'x-caledee-signature': signatureHeader(deps.secrets.open(webhook.secret_sealed), Math.floor(now / 1000), body),
  });
  const done = clock.now();
  if (outcome.ok) {
    await repo.recordAttempt(
      delivery.id,
      { status: 'succeeded', attempts: attempt, code: outcome.status, error: null },
      done,
    );
    await repo.resetFailures(webhook.id);
    return;
  }
  const failures = await repo.countFailure(webhook.id, done);
  if (failures >= DISABLE_AFTER_FAILURES) {
    await repo.disable(
      webhook.id,
      `Disabled after ${failures} consecutive failed deliveries; the last: ${outcome.error}.`,
      done,
    );
    await repo.recordAttempt(
      delivery.id,
      { status: 'failed', attempts: attempt, code: outcome.status, error: outcome.error },
      done,
    );
    deps.log.warn({ webhook: webhook.id }, 'webhook endpoint disabled after consecutive failures');
    return;
  }
  const final = attempt >= MAX_DELIVERY_ATTEMPTS;
  await repo.recordAttempt(
    delivery.id,
    { status: final ? 'failed' : 'pending', attempts: attempt, code: outcome.status, error: outcome.error },
    done,
  );
  if (!final) throw new RetryDelivery(`delivery ${delivery.id} attempt ${attempt} failed: ${outcome.error}`);
}

/** Only the status line matters: the receiver's body is not read. */
async function post(
  deps: DeliveryDeps,
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ ok: boolean; status: number | null; error: string }> {
  try {
    const response = await egressRequest(new URL(url), {
      method: 'POST',
      body,
      headers,
      timeoutMs: deps.timeoutMs ?? 10_000,
      maxBytes: 0,
      allowLoopback: deps.allowLoopback,
      ...(deps.resolver ? { resolver: deps.resolver } : {}),
    });
    const ok = response.status >= 200 && response.status < 300;
    return { ok, status: response.status, error: ok ? '' : `HTTP ${response.status}` };
  } catch (error) {
    // Generic words only: the raw error (address, port, errno, certificate text) would make the
    // delivery log an oracle for scanning the network behind this server.
    if (error instanceof EgressError) return { ok: false, status: null, error: error.reason };
    throw error;
  }
}
