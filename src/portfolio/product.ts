import type { ProductDefinition, TokenProfile } from '../kernel/scope-registry.ts';

/** The Platform API's scopes: an app holding any of them sees (part of) the person's portfolio. */
export const PORTFOLIO_SCOPES = ['read:providers', 'write:providers', 'read:assets', 'read:transactions'];
const scopes = PORTFOLIO_SCOPES;

/** The contract's `calico` profile: short access tokens, refresh tokens for a year. */
export const calicoProfile: TokenProfile = {
  name: 'calico',
  accessTtl: 15 * 60,
  refreshTtl: 365 * 86_400,
  revokeOldAccessOnRotation: false,
};

/**
 * The portfolio Platform API as a protected resource (token profile `calico`). With
 * `requireFapi2` (PORTFOLIO_REQUIRE_FAPI2) its scopes — a person's financial data — go only to
 * clients held to the FAPI 2.0 Security Profile, the profile made for such data.
 */
export function portfolioDefinition({ requireFapi2 }: { requireFapi2: boolean }): ProductDefinition {
  const scope = (name: string, description: string) => ({ name, description, requiresFapi2: requireFapi2 });
  return {
    name: 'portfolio',
    scopes: [
      scope('read:providers', 'See which exchanges and wallets you have linked'),
      scope('write:providers', 'Link and unlink exchanges and wallets for you'),
      scope('read:assets', 'See your crypto balances and positions'),
      scope('read:transactions', 'See your crypto transaction history'),
    ],
    resources: [
      { path: '/platform', name: 'Consentry Platform API', profile: calicoProfile, scopes, ownsScopes: scopes },
    ],
    defaultScopes: scopes,
    // The Connect widget: /connect is /oauth/authorize plus "link your accounts" before consent.
    // Its bare widget URL names no scope: it gets the portfolio's scopes (so the calico profile),
    // whatever the client's own defaults are.
    interactionSteps: [
      {
        name: 'portfolio.link',
        entryPath: '/connect',
        url: (interactionId) => `/connect/link/${interactionId}`,
        entryDefaultScopes: scopes,
      },
    ],
  };
}
