import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { maskDestination, parseIdentifier } from '../destination.ts';
import { PasskeyNotRecognised } from '../errors.ts';
import type { ChallengeState, ChallengeView, OtpService } from '../otp/otp-service.ts';
import type { PasskeySignIn } from '../passkeys/passkey-sign-in.ts';
import type { ClientInfo, NewSession, SessionService } from '../sessions/session-service.ts';
import type { User } from '../users/user.ts';
import type { UserService } from '../users/user-service.ts';

export interface ChallengeSummary {
  challengeId: string;
  channel: 'email' | 'sms';
  /** The destination as the page may show it ("j***@example.com"). */
  maskedDestination: string;
  state: ChallengeState;
}

export interface SignInResult extends NewSession {
  user: User;
}

export type SignInClient = ClientInfo & { previousToken?: string | undefined };

/**
 * Sign-up and sign-in with a one-time code, from what the person typed to a new session; and
 * sign-in with a passkey, which ends in the same kind of session.
 */
export class SignInService {
  constructor(
    private readonly otp: OtpService,
    private readonly users: UserService,
    private readonly sessions: SessionService,
    private readonly passkeys?: PasskeySignIn | undefined,
  ) {}

  /** @throws MissingContact, InvalidEmail, InvalidPhone, CodeThrottled, DeliveryFailed, ChannelUnavailable */
  async requestCode(identifier: string): Promise<ChallengeSummary> {
    return summarize(await this.otp.issue(parseIdentifier(identifier)));
  }

  /** @throws ChallengeNotFound, CodeThrottled, DeliveryFailed, ChannelUnavailable */
  async resendCode(challengeId: string): Promise<ChallengeSummary> {
    return summarize(await this.otp.reissue(challengeId));
  }

  async describeChallenge(challengeId: string): Promise<ChallengeSummary | undefined> {
    const view = await this.otp.describe(challengeId);
    return view && summarize(view);
  }

  /**
   * Verifies the code, finds or creates the account (marking the contact verified) and starts a
   * new session; the browser's previous session, if any, ends.
   * @throws MalformedCode, ChallengeNotFound, CodeExpired, TooManyAttempts, WrongCode
   */
  async completeSignIn(challengeId: string, code: string, client: SignInClient): Promise<SignInResult> {
    const destination = await this.otp.verify(challengeId, code);
    const user = await this.users.findOrCreateVerified(destination);
    return this.startSession(user, client);
  }

  /**
   * Verifies a passkey's answer to this flow's challenge and starts a new session for its owner,
   * as a code would; the browser's previous session, if any, ends.
   * @throws PasskeyChallengeExpired, PasskeyNotRecognised, PasskeyNotVerified
   */
  async completePasskeySignIn(
    flowHash: string,
    response: AuthenticationResponseJSON,
    client: SignInClient,
  ): Promise<SignInResult & { passkeyId: string }> {
    if (!this.passkeys) throw new PasskeyNotRecognised();
    const { userId, passkeyId } = await this.passkeys.verify(flowHash, response);
    const user = await this.users.findById(userId);
    if (!user) throw new PasskeyNotRecognised();
    return { ...(await this.startSession(user, client)), passkeyId };
  }

  private async startSession(user: User, client: SignInClient): Promise<SignInResult> {
    const created = await this.sessions.create(user.id, client);
    if (client.previousToken) await this.sessions.revoke(client.previousToken);
    return { ...created, user };
  }

  async signOut(token: string): Promise<void> {
    await this.sessions.revoke(token);
  }
}

function summarize(view: ChallengeView): ChallengeSummary {
  return {
    challengeId: view.id,
    channel: view.destination.channel,
    maskedDestination: maskDestination(view.destination),
    state: view.state,
  };
}
