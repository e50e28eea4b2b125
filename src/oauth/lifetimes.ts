import type { Config } from '../config.ts';
import type { RegisteredResource, TokenProfileName } from '../kernel/scope-registry.ts';

interface Profile {
  accessTtl: number;
  refreshTtl: number;
  /** `caledee`: a rotation revokes the old access token too ("the old pair is revoked"). */
  revokeOldAccessOnRotation: boolean;
}

/** Token lifetime profiles of the contract, in seconds. */
export const PROFILES: Record<TokenProfileName, Profile> = {
  calico: { accessTtl: 15 * 60, refreshTtl: 365 * 86_400, revokeOldAccessOnRotation: false },
  caledee: { accessTtl: 60 * 60, refreshTtl: 30 * 86_400, revokeOldAccessOnRotation: true },
};

export interface ClientLifetimes {
  accessTokenTtl: number | null;
  refreshTokenTtl: number | null;
}

/**
 * Lifetimes for a token meant for `resources`: the shortest among their profiles (a token with
 * no product resource — openid, profile, … only — takes the shortest of all), then the client's own lifetimes clamped to
 * the deployment's limits. TOKEN_PROFILE forces one profile everywhere.
 */
export function lifetimesFor(resources: RegisteredResource[], client: ClientLifetimes, config: Config): Profile {
  const names: TokenProfileName[] = config.TOKEN_PROFILE
    ? [config.TOKEN_PROFILE]
    : resources.length > 0
      ? resources.map((r) => r.profile)
      : (Object.keys(PROFILES) as TokenProfileName[]);
  const profiles = names.map((n) => PROFILES[n]);
  const base: Profile = {
    accessTtl: Math.min(...profiles.map((p) => p.accessTtl)),
    refreshTtl: Math.min(...profiles.map((p) => p.refreshTtl)),
    // Revoking the previous access token is a rule of the caledee resources, not a lifetime:
    // it applies when one of the token's own resources asks for it.
    revokeOldAccessOnRotation: (config.TOKEN_PROFILE || resources.length > 0) && profiles.some((p) => p.revokeOldAccessOnRotation),
  };
  return {
    ...base,
    accessTtl: client.accessTokenTtl ? clamp(client.accessTokenTtl, config.ACCESS_TOKEN_TTL_MIN_SECONDS, config.ACCESS_TOKEN_TTL_MAX_SECONDS) : base.accessTtl,
    refreshTtl: client.refreshTokenTtl ? clamp(client.refreshTokenTtl, 60, config.REFRESH_TOKEN_TTL_MAX_SECONDS) : base.refreshTtl,
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}
