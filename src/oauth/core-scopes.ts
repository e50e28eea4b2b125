import type { ProductDefinition } from '../kernel/scope-registry.ts';

/** OpenID Connect's own scopes; they belong to no product resource (userinfo is the AS's). */
export const coreScopes: ProductDefinition = {
  name: 'core',
  scopes: [
    { name: 'openid', description: 'Confirm who you are' },
    { name: 'profile', description: 'See your name and time zone', userinfoClaims: ['name', 'zoneinfo', 'updated_at'] },
    { name: 'email', description: 'See your email address', userinfoClaims: ['email', 'email_verified'] },
    { name: 'phone', description: 'See your phone number', userinfoClaims: ['phone_number', 'phone_number_verified'] },
    { name: 'offline_access', description: 'Keep access while you are away' },
  ],
  resources: [],
};

export const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'phone', 'offline_access']);
