import { isIP } from 'node:net';
import type { Config } from '../../config.ts';

/** Who passkeys are made for: the WebAuthn relying party this server is. */
export interface RelyingParty {
  /** The RP ID: a domain, the issuer's host or a parent of it. */
  id: string;
  /** The name passkey prompts show. */
  name: string;
  /** The only origin ceremonies may come from: the issuer's. */
  origin: string;
}

/**
 * The relying party of this deployment, or undefined when its issuer's host is an IP address:
 * an RP ID must be a domain, and Chromium refuses `127.0.0.1` ("This is an invalid domain"), so
 * such a server offers no passkeys and people sign in with codes. (`localhost` works: browsers
 * treat http://localhost as a secure context.)
 */
export function relyingPartyOf(config: Config): RelyingParty | undefined {
  const issuer = new URL(config.ISSUER);
  const id = (config.WEBAUTHN_RP_ID ?? issuer.hostname).toLowerCase();
  if (isIP(id) || isIP(issuer.hostname.replace(/^\[|\]$/g, ''))) return undefined;
  return { id, name: config.WEBAUTHN_RP_NAME, origin: issuer.origin };
}
