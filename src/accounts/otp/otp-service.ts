import { newId } from '../../kernel/crypto/tokens.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { CodeSender } from '../delivery/code-sender.ts';
import { destinationOf, type Destination } from '../destination.ts';
import { ChallengeNotFound, CodeExpired, CodeThrottled, SmsPaused, TooManyAttempts, WrongCode } from '../errors.ts';
import { codeMatches, generateCode, hashCode, normalizeCode } from './otp-code.ts';
import type { OtpChallengeRow, OtpRepository } from './otp-repository.ts';
import { OTP_HOURLY_LIMIT, OTP_MAX_ATTEMPTS, OTP_TTL_MS, OTP_WINDOW_MS } from './otp-policy.ts';

export type ChallengeState = 'pending' | 'expired' | 'locked' | 'used';

export interface ChallengeView {
  id: string;
  destination: Destination;
  state: ChallengeState;
}

export interface OtpServiceDeps {
  repo: OtpRepository;
  sender: CodeSender;
  clock: Clock;
  resendSeconds: number;
  /** Text messages all nodes together may send per rolling hour (toll-fraud cap). */
  smsMaxPerHour: number;
}

/** One-time codes: issue (throttled per destination), deliver, verify (5 attempts, 10 minutes). */
export class OtpService {
  constructor(private readonly deps: OtpServiceDeps) {}

  /** @throws CodeThrottled, DeliveryFailed, ChannelUnavailable */
  async issue(destination: Destination): Promise<ChallengeView> {
    const { repo, sender, clock } = this.deps;
    const now = clock.now();
    await this.checkThrottle(destination.address, now);
    if (destination.channel === 'sms') await this.checkSmsBudget(now);
    const code = generateCode();
    const row: OtpChallengeRow = {
      id: newId(),
      channel: destination.channel,
      destination: destination.address,
      code_hash: await hashCode(code),
      attempts: 0,
      expires_at: now + OTP_TTL_MS,
      created_at: now,
      consumed_at: null,
    };
    // Stored before sending so a code can never arrive that the server does not know; removed
    // again when delivery failed, so the person may retry at once and the failure costs no quota.
    await repo.insert(row);
    try {
      await sender.send(destination, code);
    } catch (error) {
      await repo.delete(row.id);
      throw error;
    }
    return { id: row.id, destination, state: 'pending' };
  }

  /** Sends a new code to the destination of `challengeId`; the old code stops working. */
  async reissue(challengeId: string): Promise<ChallengeView> {
    const previous = await this.deps.repo.findById(challengeId);
    if (!previous) throw new ChallengeNotFound();
    const next = await this.issue(destinationOf(previous.destination));
    await this.deps.repo.expire(previous.id, this.deps.clock.now());
    return next;
  }

  async describe(challengeId: string): Promise<ChallengeView | undefined> {
    const row = await this.deps.repo.findById(challengeId);
    return (
      row && { id: row.id, destination: destinationOf(row.destination), state: stateOf(row, this.deps.clock.now()) }
    );
  }

  /**
   * Checks a code. Success consumes the challenge and returns the proven destination.
   * @throws MalformedCode, ChallengeNotFound, CodeExpired, TooManyAttempts, WrongCode
   */
  async verify(challengeId: string, input: string): Promise<Destination> {
    const { repo, clock } = this.deps;
    const code = normalizeCode(input);
    const now = clock.now();
    const row = await repo.findById(challengeId);
    if (!row) throw new ChallengeNotFound();
    const used = await repo.reserveAttempt(row.id, OTP_MAX_ATTEMPTS, now);
    if (used === undefined) {
      const current = (await repo.findById(row.id)) ?? row;
      throw stateOf(current, now) === 'locked' ? new TooManyAttempts() : new CodeExpired();
    }
    if (!(await codeMatches(row.code_hash, code))) {
      const left = OTP_MAX_ATTEMPTS - used;
      throw left > 0 ? new WrongCode(left) : new TooManyAttempts();
    }
    if (!(await repo.consume(row.id, clock.now()))) throw new CodeExpired();
    return destinationOf(row.destination);
  }

  /**
   * SMS_MAX_PER_HOUR across every destination and node, counted in the database: premium-rate
   * numbers make each text message someone else's revenue (toll fraud), so the whole channel
   * pauses when the hour's budget is spent. Not atomic either: a few concurrent sends may pass.
   */
  private async checkSmsBudget(now: number): Promise<void> {
    const max = this.deps.smsMaxPerHour;
    const sent = await this.deps.repo.channelSentSince('sms', now - OTP_WINDOW_MS, max);
    const oldestCounted = sent[max - 1];
    if (oldestCounted !== undefined)
      throw new SmsPaused(Math.max(1, Math.ceil((oldestCounted + OTP_WINDOW_MS - now) / 1000)));
  }

  /**
   * OTP_RESEND_SECONDS between two codes and OTP_HOURLY_LIMIT per hour, per destination.
   * The count and the insert are not one transaction: two simultaneous requests may both pass,
   * which bounds abuse at a small multiple of the limit — acceptable for a delivery quota.
   */
  private async checkThrottle(destination: string, now: number): Promise<void> {
    const sent = await this.deps.repo.sentSince(destination, now - OTP_WINDOW_MS);
    let readyAt = 0;
    if (sent[0] !== undefined) readyAt = sent[0] + this.deps.resendSeconds * 1000;
    const oldestCounted = sent[OTP_HOURLY_LIMIT - 1];
    if (oldestCounted !== undefined) readyAt = Math.max(readyAt, oldestCounted + OTP_WINDOW_MS);
    if (readyAt > now) throw new CodeThrottled(Math.ceil((readyAt - now) / 1000));
  }
}

function stateOf(row: OtpChallengeRow, now: number): ChallengeState {
  if (row.consumed_at !== null) return 'used';
  if (row.attempts >= OTP_MAX_ATTEMPTS) return 'locked';
  return row.expires_at <= now ? 'expired' : 'pending';
}
