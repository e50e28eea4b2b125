import { hashMatches } from '../../kernel/crypto/tokens.ts';
import type { Clock } from '../../kernel/clock.ts';
import { InvalidClient, InvalidRequest } from '../errors.ts';
import type { Client } from './client.ts';
import type { ClientRepository } from './client-repository.ts';

export interface ClientCredentials {
  authorization?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
}

/**
 * Client authentication at the token, revocation and introspection endpoints:
 * client_secret_basic, client_secret_post, or none for public clients. One method per request.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export async function authenticateClient(
  credentials: ClientCredentials,
  clients: ClientRepository,
  clock: Clock,
): Promise<Client> {
  const basic = parseBasic(credentials.authorization);
  if (
    basic &&
    (credentials.clientSecret !== undefined ||
      (credentials.clientId !== undefined && credentials.clientId !== basic.id))
  ) {
    throw new InvalidRequest('use exactly one client authentication method');
  }
  const id = basic?.id ?? credentials.clientId;
  const secret = basic?.secret ?? credentials.clientSecret;
  if (!id) throw new InvalidClient('client authentication is required', false);
  const client = await clients.findById(id);
  if (!client) throw new InvalidClient('unknown client', Boolean(basic));
  if (client.type === 'public') {
    if (secret !== undefined && secret !== '') throw new InvalidClient('public clients have no secret', Boolean(basic));
    return client;
  }
  if (secret === undefined || !client.secretHash) throw new InvalidClient('client secret is required', Boolean(basic));
  if (!hashMatches(secret, client.secretHash)) throw new InvalidClient('client authentication failed', Boolean(basic));
  if (client.secretExpiresAt !== null && client.secretExpiresAt <= clock.now())
    throw new InvalidClient('client secret has expired', Boolean(basic));
  return client;
}

function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new InvalidClient('malformed Basic credentials', true);
  try {
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding.
    return {
      id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    throw new InvalidClient('malformed Basic credentials', true);
  }
}
