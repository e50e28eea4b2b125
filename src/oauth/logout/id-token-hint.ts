import { decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { KeyRing } from '../../kernel/keys/key-ring.ts';
import { SIGNING_ALG } from '../../kernel/keys/key-ring.ts';

/** What an `id_token_hint` tells the end-session endpoint. */
export interface IdTokenHint {
  subject: string;
  clientId: string;
  /** The session the ID token was issued in, when it was issued in one. */
  sessionId: string | undefined;
}

/** The hint is not an ID token this server issued; the reason is safe to show. */
export class InvalidIdTokenHint extends Error {}

/**
 * Checks an `id_token_hint` (RP-Initiated Logout 1.0 §2): signed by one of our published keys,
 * `iss` this issuer, a single audience (the client). Its expiry is not enforced — a person often
 * signs out long after the ID token expired, and the spec lets the OP accept it. The `typ` must be
 * a plain JWT, so an access or logout token (also ours) is not taken for one.
 */
export async function verifyIdTokenHint(keys: KeyRing, issuer: string, token: string): Promise<IdTokenHint> {
  try {
    const header = decodeProtectedHeader(token);
    if (header.typ !== undefined && header.typ !== 'JWT') throw new InvalidIdTokenHint('it is not an ID token');
    const { payload } = await jwtVerify(
      token,
      async (protectedHeader) => {
        const key = await keys.verificationKey(protectedHeader.kid);
        if (!key) throw new InvalidIdTokenHint('it was not signed by this server');
        return key;
      },
      // An expired token is still evidence of who signed in where: the clock check is waived.
      { issuer, algorithms: [SIGNING_ALG], currentDate: new Date(0) },
    );
    const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (aud.length !== 1 || typeof aud[0] !== 'string') throw new InvalidIdTokenHint('it names no single app');
    if (typeof payload.sub !== 'string') throw new InvalidIdTokenHint('it names no person');
    return {
      subject: payload.sub,
      clientId: aud[0],
      sessionId: typeof payload.sid === 'string' ? payload.sid : undefined,
    };
  } catch (error) {
    if (error instanceof InvalidIdTokenHint) throw error;
    if (error instanceof errors.JOSEError || error instanceof TypeError)
      throw new InvalidIdTokenHint('it is not an ID token issued by this server');
    throw error;
  }
}
