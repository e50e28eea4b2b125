import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialRequestOptionsJSON,
  WebAuthnCredential,
} from '@simplewebauthn/server';
import type { Clock } from '../../kernel/clock.ts';
import type { PasskeysTable } from '../../kernel/db/schema.ts';
import { PasskeyChallengeExpired, PasskeyNotRecognised, PasskeyNotVerified } from '../errors.ts';
import { PASSKEY_CHALLENGE_TTL_MS } from './passkey.ts';
import type { PasskeyChallengeRepository } from './passkey-challenge-repository.ts';
import type { PasskeyRepository } from './passkey-repository.ts';
import type { RelyingParty } from './relying-party.ts';
import { loadWebAuthn, loadWebAuthnHelpers } from './webauthn-library.ts';

export interface PasskeySignInDeps {
  passkeys: PasskeyRepository;
  challenges: PasskeyChallengeRepository;
  rp: RelyingParty;
  clock: Clock;
}

/** Who proved themselves with a passkey. */
export interface PasskeyAssertion {
  userId: string;
  passkeyId: string;
}

/** Signing in with a passkey: the WebAuthn authentication ceremony, for discoverable credentials. */
export class PasskeySignIn {
  constructor(private readonly deps: PasskeySignInDeps) {}

  /**
   * Options for `navigator.credentials.get()` with no allowCredentials (the authenticator offers
   * its discoverable passkeys, also through autofill). The challenge is bound to the browser's
   * sign-in flow (`flowHash`, the hash of its flow cookie) and answerable once.
   */
  async options(flowHash: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const { challenges, rp, clock } = this.deps;
    const { generateAuthenticationOptions } = await loadWebAuthn();
    const options = await generateAuthenticationOptions({ rpID: rp.id, userVerification: 'preferred' });
    const now = clock.now();
    await challenges.insert({
      challenge: options.challenge,
      purpose: 'sign-in',
      user_id: null,
      session_id: null,
      flow_hash: flowHash,
      created_at: now,
      expires_at: now + PASSKEY_CHALLENGE_TTL_MS,
    });
    return options;
  }

  /**
   * Checks an assertion: the challenge of this flow (used up whatever the outcome), origin, RP
   * ID, signature, and a signature counter that moved forward. A counter at or below the stored
   * one under a valid signature suggests a cloned authenticator: refused as `counter_went_back`
   * (the passkey stays: disabling it would let whoever replays an old answer lock its owner out).
   * @throws PasskeyChallengeExpired, PasskeyNotRecognised, PasskeyNotVerified
   */
  async verify(flowHash: string, response: AuthenticationResponseJSON): Promise<PasskeyAssertion> {
    const { passkeys, challenges, rp, clock } = this.deps;
    const row = await passkeys.findByCredentialId(response.id);
    if (!row) {
      // Used up all the same: an answer is worth one try.
      await this.consumeChallengeOf(response, flowHash);
      throw new PasskeyNotRecognised();
    }
    const context = { passkeyId: row.id, userId: row.user_id };
    const { verifyAuthenticationResponse } = await loadWebAuthn();
    let answered: string | undefined;
    let challengeFound: boolean | undefined;
    const check = (
      credential: WebAuthnCredential,
      expectedChallenge: Parameters<typeof verifyAuthenticationResponse>[0]['expectedChallenge'],
    ) =>
      verifyAuthenticationResponse({
        response,
        expectedChallenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.id,
        credential,
        requireUserVerification: false,
      });
    let verification: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
    try {
      verification = await check(credentialOf(row), async (challenge) => {
        answered = challenge;
        return (challengeFound = await challenges.consume(challenge, { purpose: 'sign-in', flowHash }, clock.now()));
      });
    } catch (error) {
      if (challengeFound === false) throw new PasskeyChallengeExpired();
      if (answered && row.counter > 0 && (await this.verifiesIgnoringCounter(row, answered, check)))
        throw new PasskeyNotVerified('counter_went_back', context);
      throw new PasskeyNotVerified('assertion_invalid', { ...context, cause: error });
    }
    const { verified, authenticationInfo } = verification;
    if (!verified) throw new PasskeyNotVerified('assertion_invalid', context);
    const userHandle = response.response.userHandle;
    if (userHandle !== undefined && userHandle !== Buffer.from(row.user_id).toString('base64url'))
      throw new PasskeyNotVerified('user_handle_mismatch', context);
    const recorded = await passkeys.recordUse(row.id, row.counter, {
      counter: authenticationInfo.newCounter,
      backedUp: authenticationInfo.credentialBackedUp,
      at: clock.now(),
    });
    if (!recorded) throw new PasskeyNotVerified('counter_raced', context);
    return { userId: row.user_id, passkeyId: row.id };
  }

  /** Whether the answer would verify if the stored counter were 0: then only the counter failed. */
  private async verifiesIgnoringCounter(
    row: PasskeysTable,
    challenge: string,
    check: (credential: WebAuthnCredential, expectedChallenge: string) => Promise<{ verified: boolean }>,
  ): Promise<boolean> {
    try {
      return (await check({ ...credentialOf(row), counter: 0 }, challenge)).verified;
    } catch {
      return false;
    }
  }

  private async consumeChallengeOf(response: AuthenticationResponseJSON, flowHash: string): Promise<void> {
    const { decodeClientDataJSON } = await loadWebAuthnHelpers();
    let challenge: unknown;
    try {
      challenge = decodeClientDataJSON(response.response.clientDataJSON).challenge;
    } catch {
      return;
    }
    if (typeof challenge !== 'string') return;
    await this.deps.challenges.consume(challenge, { purpose: 'sign-in', flowHash }, this.deps.clock.now());
  }
}

function credentialOf(row: PasskeysTable): WebAuthnCredential {
  return {
    id: row.credential_id,
    publicKey: new Uint8Array(Buffer.from(row.public_key, 'base64url')),
    counter: row.counter,
    transports: JSON.parse(row.transports) as string[],
  };
}
