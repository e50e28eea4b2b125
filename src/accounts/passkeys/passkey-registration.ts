import type { PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { newId } from '../../kernel/crypto/tokens.ts';
import type { Clock } from '../../kernel/clock.ts';
import {
  PasskeyAlreadyRegistered,
  PasskeyChallengeExpired,
  PasskeyLimitReached,
  PasskeyNotVerified,
} from '../errors.ts';
import type { User } from '../users/user.ts';
import { MAX_PASSKEYS_PER_USER, PASSKEY_CHALLENGE_TTL_MS, passkeyFromRow, type Passkey } from './passkey.ts';
import type { PasskeyChallengeRepository } from './passkey-challenge-repository.ts';
import { normalizePasskeyName } from './passkey-name.ts';
import type { PasskeyRepository } from './passkey-repository.ts';
import type { RelyingParty } from './relying-party.ts';
import { loadWebAuthn } from './webauthn-library.ts';

export interface PasskeyRegistrationDeps {
  passkeys: PasskeyRepository;
  challenges: PasskeyChallengeRepository;
  rp: RelyingParty;
  clock: Clock;
}

/** Adding a passkey to a signed-in person's account: the WebAuthn registration ceremony. */
export class PasskeyRegistration {
  constructor(private readonly deps: PasskeyRegistrationDeps) {}

  /**
   * Options for `navigator.credentials.create()`: a discoverable credential (so sign-in needs no
   * username), user verification preferred, the person's passkeys excluded. The challenge is
   * stored bound to this session and can be answered once, within PASSKEY_CHALLENGE_TTL_MS.
   * @throws PasskeyLimitReached
   */
  async options(user: User, sessionId: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const { passkeys, challenges, rp, clock } = this.deps;
    const existing = await passkeys.listByUser(user.id);
    if (existing.length >= MAX_PASSKEYS_PER_USER) throw new PasskeyLimitReached(MAX_PASSKEYS_PER_USER);
    const { generateRegistrationOptions } = await loadWebAuthn();
    const userName = user.email ?? user.phone ?? user.id;
    const options = await generateRegistrationOptions({
      rpName: rp.name,
      rpID: rp.id,
      // The user handle is the account id: random, no personal data (WebAuthn §14.6.1).
      userID: new TextEncoder().encode(user.id),
      userName,
      userDisplayName: user.name ?? userName,
      attestationType: 'none',
      excludeCredentials: existing.map((row) => ({
        id: row.credential_id,
        transports: JSON.parse(row.transports) as string[],
      })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    });
    const now = clock.now();
    await challenges.insert({
      challenge: options.challenge,
      purpose: 'register',
      user_id: user.id,
      session_id: sessionId,
      flow_hash: null,
      created_at: now,
      expires_at: now + PASSKEY_CHALLENGE_TTL_MS,
    });
    return options;
  }

  /**
   * Verifies the authenticator's answer (challenge of this session, origin, RP ID, attestation
   * format) and stores the new passkey under `name`.
   * @throws InvalidPasskeyName, PasskeyLimitReached, PasskeyChallengeExpired, PasskeyNotVerified, PasskeyAlreadyRegistered
   */
  async register(
    user: User,
    sessionId: string,
    response: RegistrationResponseJSON,
    requestedName: string,
  ): Promise<Passkey> {
    const { passkeys, challenges, rp, clock } = this.deps;
    const name = normalizePasskeyName(requestedName);
    if ((await passkeys.listByUser(user.id)).length >= MAX_PASSKEYS_PER_USER)
      throw new PasskeyLimitReached(MAX_PASSKEYS_PER_USER);
    const { verifyRegistrationResponse } = await loadWebAuthn();
    let challengeFound: boolean | undefined;
    let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
    try {
      verification = await verifyRegistrationResponse({
        response,
        expectedChallenge: async (challenge) =>
          (challengeFound = await challenges.consume(challenge, { purpose: 'register', sessionId }, clock.now())),
        expectedOrigin: rp.origin,
        expectedRPID: rp.id,
        // "preferred" when asked: an authenticator without a PIN or biometric still counts.
        requireUserVerification: false,
      });
    } catch (error) {
      if (challengeFound === false) throw new PasskeyChallengeExpired();
      throw new PasskeyNotVerified('registration_invalid', { userId: user.id, cause: error });
    }
    if (!verification.verified) throw new PasskeyNotVerified('registration_invalid', { userId: user.id });
    const { credential, credentialDeviceType, credentialBackedUp } = verification.registrationInfo;
    if (await passkeys.findByCredentialId(credential.id)) throw new PasskeyAlreadyRegistered();
    const row = {
      id: newId(),
      user_id: user.id,
      credential_id: credential.id,
      public_key: Buffer.from(credential.publicKey).toString('base64url'),
      counter: credential.counter,
      transports: JSON.stringify(credential.transports ?? []),
      device_type: credentialDeviceType,
      backed_up: credentialBackedUp ? 1 : 0,
      name,
      created_at: clock.now(),
      last_used_at: null,
    };
    await passkeys.insert(row);
    return passkeyFromRow(row);
  }
}
