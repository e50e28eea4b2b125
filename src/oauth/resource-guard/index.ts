export { requireToken, resourceMetadataUrl, type GuardRequirement } from './guard.ts';
export { TokenRejected } from './token-rejected.ts';
export { ScopeRegistry, type ProductDefinition, type RegisteredResource, type TokenProfileName } from '../../kernel/scope-registry.ts';
export { protectedResourceMetadataRoutes } from './metadata.ts';
export { readBearer } from './bearer.ts';
