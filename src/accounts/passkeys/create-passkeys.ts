import type { Config } from '../../config.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { Db } from '../../kernel/db/database.ts';
import { PasskeyChallengeRepository } from './passkey-challenge-repository.ts';
import { PasskeyList } from './passkey-list.ts';
import { PasskeyRegistration } from './passkey-registration.ts';
import { PasskeyRepository } from './passkey-repository.ts';
import { PasskeySignIn } from './passkey-sign-in.ts';
import { relyingPartyOf, type RelyingParty } from './relying-party.ts';

export interface PasskeyServices {
  rp: RelyingParty;
  registration: PasskeyRegistration;
  signIn: PasskeySignIn;
  list: PasskeyList;
}

/** The passkey services, or undefined where passkeys cannot work (an issuer on an IP address). */
export function createPasskeys(db: Db, config: Config, clock: Clock): PasskeyServices | undefined {
  const rp = relyingPartyOf(config);
  if (!rp) return undefined;
  const passkeys = new PasskeyRepository(db);
  const challenges = new PasskeyChallengeRepository(db);
  return {
    rp,
    registration: new PasskeyRegistration({ passkeys, challenges, rp, clock }),
    signIn: new PasskeySignIn({ passkeys, challenges, rp, clock }),
    list: new PasskeyList(passkeys),
  };
}
