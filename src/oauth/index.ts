export { oauthRoutes } from './routes.ts';
export { serverMetadata } from './endpoints/discovery.ts';
export { ClientService, InvalidClientMetadata, type NewClient } from './clients/client-service.ts';
export type { Client } from './clients/client.ts';
export { GrantRepository, type Grant } from './consent/grant-repository.ts';
export { OAuthError } from './errors.ts';
export { connectedAppsSection } from './pages/connected-apps.ts';
export { revokeGrant } from './consent/revoke-grant.ts';
