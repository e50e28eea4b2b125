import type { ProductDefinition, TokenProfile } from '../kernel/scope-registry.ts';

const scopes = [
  'read:profile',
  'read:bookings',
  'write:bookings',
  'read:event-types',
  'write:event-types',
  'read:availability',
  'write:availability',
];

/** The contract's `caledee` profile: an hour of access, 30 days of refresh; a rotation revokes the old pair. */
export const caledeeProfile: TokenProfile = {
  name: 'caledee',
  accessTtl: 60 * 60,
  refreshTtl: 30 * 86_400,
  revokeOldAccessOnRotation: true,
};

/** The scheduling API v2 and its MCP server as protected resources (token profile `caledee`). */
export const schedulingDefinition: ProductDefinition = {
  name: 'scheduling',
  scopes: [
    {
      name: 'read:profile',
      description: 'See your scheduling profile: name, email and time zone',
      userinfoClaims: ['name', 'email', 'zoneinfo'],
    },
    { name: 'read:bookings', description: 'See your bookings' },
    { name: 'write:bookings', description: 'Create, cancel and reschedule bookings for you' },
    { name: 'read:event-types', description: 'See your event types' },
    { name: 'write:event-types', description: 'Create, change and delete your event types' },
    { name: 'read:availability', description: 'See your availability and schedules' },
    { name: 'write:availability', description: 'Change your schedules and block dates' },
  ],
  resources: [
    { path: '/api/v2', name: 'Consentry Scheduling API', profile: caledeeProfile, scopes, ownsScopes: scopes },
    { path: '/api/mcp', name: 'Consentry Scheduling MCP server', profile: caledeeProfile, scopes },
  ],
  defaultScopes: ['read:profile', 'read:bookings', 'read:event-types', 'read:availability'],
};
