import type { JSONWebKeySet } from 'jose';
import { DEVICE_CODE_GRANT_TYPE } from '../device/device-code-grant-type.ts';
import type { TokenEndpointAuthMethod } from './auth-methods.ts';
import type { KeyMetadataProblem } from './check-client-keys.ts';
import type { ClientType } from './client.ts';
import { FAPI2_SIGNING_ALGS } from './fapi2.ts';

/** What a registration says that FAPI 2.0 constrains. */
export interface Fapi2Registration {
  type: ClientType;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  grantTypes: string[];
  tokenEndpointAuthSigningAlg?: string | null | undefined;
  requestObjectSigningAlg?: string | null | undefined;
  /** The registered keys, already checked as keys (check-client-keys.ts). */
  jwks: JSONWebKeySet | null;
}

/**
 * The registration rules of a FAPI 2.0 client (FAPI 2.0 Security Profile, requirements for
 * authorization servers and cryptography): confidential, authenticating with `private_key_jwt`
 * (mutual TLS is not offered here), signing with ES256 or PS256 only — so keys given by value
 * must be EC P-256 or RSA — and no device flow, which has no pushed request, no PKCE and no
 * redirect. Returns the first problem, named after its RFC 7591 field.
 */
export function checkFapi2Registration(client: Fapi2Registration): KeyMetadataProblem | undefined {
  const algs = FAPI2_SIGNING_ALGS.join(' or ');
  if (client.type !== 'confidential' || client.tokenEndpointAuthMethod !== 'private_key_jwt')
    return {
      field: 'token_endpoint_auth_method',
      message: 'a FAPI 2.0 client is confidential and authenticates with private_key_jwt',
    };
  const registeredAlgs = {
    token_endpoint_auth_signing_alg: client.tokenEndpointAuthSigningAlg,
    request_object_signing_alg: client.requestObjectSigningAlg,
  };
  for (const [field, alg] of Object.entries(registeredAlgs)) {
    if (alg != null && !FAPI2_SIGNING_ALGS.includes(alg))
      return { field, message: `${field} of a FAPI 2.0 client must be ${algs}` };
  }
  for (const [index, key] of (client.jwks?.keys ?? []).entries()) {
    if (key.kty !== 'EC' && key.kty !== 'RSA')
      return {
        field: 'jwks',
        message: `jwks key ${index}: a FAPI 2.0 client signs with ${algs}: EC P-256 or RSA keys`,
      };
    if (key.alg !== undefined && !FAPI2_SIGNING_ALGS.includes(key.alg))
      return { field: 'jwks', message: `jwks key ${index}: a FAPI 2.0 client’s keys are for ${algs}` };
  }
  if (client.grantTypes.includes(DEVICE_CODE_GRANT_TYPE))
    return {
      field: 'grant_types',
      message: 'a FAPI 2.0 client uses the authorization code flow; the device flow is not part of the profile',
    };
  return undefined;
}
