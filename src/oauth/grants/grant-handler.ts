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
  handle(ctx: OAuthContext, params: TokenParams, client: Client): Promise<TokenResponse>;
}
