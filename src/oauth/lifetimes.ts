import type { Config } from '../config.ts';
import type { RegisteredResource, TokenProfile } from '../kernel/scope-registry.ts';

export interface Lifetimes {
  accessTtl: number;
  refreshTtl: number;
  revokeOldAccessOnRotation: boolean;
}

export interface ClientLifetimes {
  accessTokenTtl: number | null;
  refreshTokenTtl: number | null;
}

/** Where the lifetime profiles come from: the features' registered resources (ScopeRegistry). */
export interface ProfileSource {
  profiles(): TokenProfile[];
  profile(name: string): TokenProfile | undefined;
}

/**
 * Lifetimes for a token meant for `resources`: the shortest among their profiles (a token with
 * no product resource — openid, profile, … only — takes the shortest of all), then the client's own lifetimes clamped to
 * the deployment's limits. TOKEN_PROFILE forces one profile everywhere.
 */
export function lifetimesFor(
  resources: RegisteredResource[],
  client: ClientLifetimes,
  config: Config,
  source: ProfileSource,
): Lifetimes {
  const forced = config.TOKEN_PROFILE ? source.profile(config.TOKEN_PROFILE) : undefined;
  const profiles = forced ? [forced] : resources.length > 0 ? resources.map((r) => r.profile) : source.profiles();
  const base: Lifetimes = {
    accessTtl: Math.min(...profiles.map((p) => p.accessTtl)),
    refreshTtl: Math.min(...profiles.map((p) => p.refreshTtl)),
    // Revoking the previous access token is a rule of some resources (caledee's), not a lifetime:
    // it applies when one of the token's own resources asks for it.
    revokeOldAccessOnRotation:
      (forced !== undefined || resources.length > 0) && profiles.some((p) => p.revokeOldAccessOnRotation),
  };
  return {
    ...base,
    accessTtl: client.accessTokenTtl
      ? clamp(client.accessTokenTtl, config.ACCESS_TOKEN_TTL_MIN_SECONDS, config.ACCESS_TOKEN_TTL_MAX_SECONDS)
      : base.accessTtl,
    refreshTtl: client.refreshTokenTtl
      ? clamp(client.refreshTokenTtl, 60, config.REFRESH_TOKEN_TTL_MAX_SECONDS)
      : base.refreshTtl,
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}
