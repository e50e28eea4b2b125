import type { OAuthContext } from '../oauth-context.ts';
import type { Client } from '../clients/client.ts';
import type { TokenResponse } from '../tokens/token-issuer.ts';

/** Parameters of a token request: single values, except `resource` which may repeat (RFC 8707). */
export interface TokenParams {
  single: Record<string, string | undefined>;
  resource: string[];
}

export interface GrantHandler {
  name: string;
  /**
   * The grant stores nothing and changes nothing: the token endpoint may run it while the
   * client's assertion is still being checked, holding its answer until the check holds.
   */
  changesNothing?: true;
  /** `dpopJkt`: the thumbprint of the request's verified DPoP key (RFC 9449), when it sent a proof. */
  handle(ctx: OAuthContext, params: TokenParams, client: Client, dpopJkt?: string): Promise<TokenResponse>;
}
