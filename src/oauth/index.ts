/**
 * The authorization server. Other features use only what this file exports: build it with
 * `createAuthorizationServer(kernel)` and use the returned `AuthorizationServer` (client lookup,
 * the resource guard, grant revocation, interactions). It names no product.
 */
export {
  createAuthorizationServer,
  type AuthorizationServer,
  type ClientLookup,
  type ResourceGuard,
} from './authorization-server.ts';
export { serverMetadata } from './endpoints/discovery.ts';
export { ClientService, InvalidClientMetadata, type NewClient } from './clients/client-service.ts';
export type { Client } from './clients/client.ts';
export { GrantRepository, type Grant } from './consent/grant-repository.ts';
export { OAuthError } from './errors.ts';
export type { Interaction } from './authorization/interaction-repository.ts';
export { InvalidPersonalToken, type PersonalToken } from './personal-tokens/personal-tokens.ts';
export type { GuardRequirement } from './resource-guard/guard.ts';
export { TokenRejected, challenge } from './resource-guard/token-rejected.ts';
export { readBearer } from './resource-guard/bearer.ts';
export type { EndedGrant } from './consent/grant-lifecycle.ts';
export type { GrantStatus } from './consent/grant-status.ts';
