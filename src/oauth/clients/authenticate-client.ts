import { hashMatches } from '../../kernel/crypto/tokens.ts';
import { InvalidClient, InvalidRequest } from '../errors.ts';
import { usesPlainSecret } from './auth-methods.ts';
import type { Client } from './client.ts';
import { startClientAssertionCheck, type AssertionDeps, type ClientToProve } from './verify-client-assertion.ts';

export interface ClientCredentials {
  authorization?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  clientAssertion?: string | undefined;
  clientAssertionType?: string | undefined;
}

/** Reads the credentials a request carries: the Authorization header and the form's client fields. */
export function credentialsOf(
  authorization: string | undefined,
  form: Record<string, string | undefined>,
): ClientCredentials {
  return {
    authorization,
    clientId: form.client_id,
    clientSecret: form.client_secret,
    clientAssertion: form.client_assertion,
    clientAssertionType: form.client_assertion_type,
  };
}

/**
 * Client authentication at the token, PAR, revocation and introspection endpoints:
 * client_secret_basic, client_secret_post, private_key_jwt and client_secret_jwt (RFC 7523), or
 * none for public clients. One method per request, and the one the client registered (a
 * secret-based client may use Basic or the form alike).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export async function authenticateClient(credentials: ClientCredentials, deps: AssertionDeps): Promise<Client> {
  const { client, proven } = await startClientAuthentication(credentials, deps);
  await proven;
  return client;
}

/**
 * `authenticateClient` in two steps, for a caller that can prepare its answer while a client
 * assertion's signature is being checked: the client, then `proven`. Secrets and public clients
 * are settled at once.
 */
export async function startClientAuthentication(
  credentials: ClientCredentials,
  deps: AssertionDeps,
): Promise<ClientToProve> {
  const basic = parseBasic(credentials.authorization);
  const assertion = credentials.clientAssertion !== undefined || credentials.clientAssertionType !== undefined;
  const methods = [basic !== undefined, credentials.clientSecret !== undefined, assertion].filter(Boolean).length;
  if (methods > 1 || (basic && credentials.clientId !== undefined && credentials.clientId !== basic.id)) {
    throw new InvalidRequest('use exactly one client authentication method');
  }
  if (assertion)
    return startClientAssertionCheck(deps, {
      type: credentials.clientAssertionType,
      jwt: credentials.clientAssertion,
      clientId: credentials.clientId,
    });
  const id = basic?.id ?? credentials.clientId;
  const secret = basic?.secret ?? credentials.clientSecret;
  if (!id) throw new InvalidClient('client authentication is required', false);
  const client = await deps.clients.findById(id);
  if (!client) throw new InvalidClient('unknown client', Boolean(basic));
  if (client.type === 'public') {
    if (secret !== undefined && secret !== '') throw new InvalidClient('public clients have no secret', Boolean(basic));
    return { client, proven: SETTLED };
  }
  if (!usesPlainSecret(client.tokenEndpointAuthMethod))
    throw new InvalidClient(`the client authenticates with ${client.tokenEndpointAuthMethod}`, Boolean(basic));
  if (secret === undefined || !client.secretHash) throw new InvalidClient('client secret is required', Boolean(basic));
  if (!hashMatches(secret, client.secretHash)) throw new InvalidClient('client authentication failed', Boolean(basic));
  if (client.secretExpiresAt !== null && client.secretExpiresAt <= deps.clock.now())
    throw new InvalidClient('client secret has expired', Boolean(basic));
  return { client, proven: SETTLED };
}

const SETTLED = Promise.resolve();

function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header || header.length < 6 || header.slice(0, 6).toLowerCase() !== 'basic ') return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new InvalidClient('malformed Basic credentials', true);
  let credentials: { id: string; secret: string };
  try {
    credentials = { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw new InvalidClient('malformed Basic credentials', true);
  }
  // Decoded from inside the header, so the address and body checks never saw it (nul-characters.ts).
  if (credentials.id.includes('\0') || credentials.secret.includes('\0'))
    throw new InvalidClient('malformed Basic credentials', true);
  return credentials;
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding; most have nothing to decode. */
function formDecode(value: string): string {
  return value.includes('%') || value.includes('+') ? decodeURIComponent(value.replace(/\+/g, ' ')) : value;
}
