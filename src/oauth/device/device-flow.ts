import type { SignedInSession } from '../../accounts/index.ts';
import type { OAuthContext } from '../oauth-context.ts';
import { newId, newOpaqueToken, sha256 } from '../../kernel/crypto/tokens.ts';
import { isUniqueViolation } from '../../kernel/db/unique-violation.ts';
import type { Client } from '../clients/client.ts';
import { resolveResources } from '../checks/check-resource.ts';
import { checkRequestedScopes } from '../checks/check-scope.ts';
import { GrantRepository } from '../consent/grant-repository.ts';
import { UnauthorizedClient } from '../errors.ts';
import type { ReadParams } from '../endpoints/read-params.ts';
import { DEVICE_CODE_GRANT_TYPE } from './device-code-grant-type.ts';
import { DeviceAuthorizationRepository, type DeviceAuthorization } from './device-authorization-repository.ts';
import { formatUserCode, newUserCode, normaliseUserCode, UserCodeHasher } from './user-code.ts';

/** The device authorization response (RFC 8628 §3.2). */
export interface DeviceAuthorizationResponse {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

/** What a code typed on /device leads to. */
export type UserCodeLookup =
  | { kind: 'malformed' | 'unknown' | 'expired' | 'used' }
  | { kind: 'found'; authorization: DeviceAuthorization; client: Client; userCode: string };

export type DeviceDecisionOutcome = 'approved' | 'denied' | 'expired' | 'used';

/** Path of the page where the person enters the code; the issuer prefixes it. */
export const VERIFICATION_PATH = '/device';

/** A fresh user code colliding with a live one is unlikely (20⁸ codes); a few tries make it impossible in practice. */
const USER_CODE_ATTEMPTS = 3;

/**
 * The device authorization grant's two human-independent steps (a device asks; a person finds
 * the request by its user code and decides). The token endpoint's side is grants/device-code.ts.
 * @see https://www.rfc-editor.org/rfc/rfc8628
 */
export class DeviceFlow {
  private readonly repo: DeviceAuthorizationRepository;
  private readonly hasher: UserCodeHasher;

  constructor(private readonly ctx: OAuthContext) {
    this.repo = new DeviceAuthorizationRepository(ctx.database.db);
    this.hasher = new UserCodeHasher(ctx.secretKey);
  }

  /**
   * RFC 8628 §3.1–3.2: scopes and resources are checked as at the authorization endpoint (the
   * client's defaults when none are asked for); the codes are stored hashed.
   */
  async start(client: Client, { single, resource }: ReadParams): Promise<DeviceAuthorizationResponse> {
    const { config, clock, registry } = this.ctx;
    if (!client.grantTypes.includes(DEVICE_CODE_GRANT_TYPE))
      throw new UnauthorizedClient('the client may not use the device authorization grant');
    const scopes = checkRequestedScopes(single.scope, client, registry);
    const resources = resolveResources(resource, scopes, registry).map((r) => r.uri);
    const deviceCode = newOpaqueToken('dc_');
    const now = clock.now();
    for (let attempt = 1; ; attempt++) {
      const userCode = newUserCode();
      try {
        await this.repo.insert({
          id: newId(),
          deviceCodeHash: sha256(deviceCode),
          userCodeHash: this.hasher.hash(userCode),
          clientId: client.id,
          scopes,
          resources,
          interval: config.DEVICE_POLL_INTERVAL_SECONDS,
          createdAt: now,
          expiresAt: now + config.DEVICE_CODE_TTL_SECONDS * 1000,
        });
      } catch (error) {
        if (isUniqueViolation(error) && attempt < USER_CODE_ATTEMPTS) continue;
        throw error;
      }
      const shown = formatUserCode(userCode);
      const verificationUri = `${config.ISSUER}${VERIFICATION_PATH}`;
      return {
        device_code: deviceCode,
        user_code: shown,
        verification_uri: verificationUri,
        verification_uri_complete: `${verificationUri}?user_code=${shown}`,
        expires_in: config.DEVICE_CODE_TTL_SECONDS,
        interval: config.DEVICE_POLL_INTERVAL_SECONDS,
      };
    }
  }

  /** Finds the request a person's typed code names (any case, dash optional). */
  async lookUp(typed: string): Promise<UserCodeLookup> {
    const code = normaliseUserCode(typed);
    if (!code) return { kind: 'malformed' };
    const authorization = await this.repo.findByUserCodeHash(this.hasher.hash(code));
    if (!authorization) return { kind: 'unknown' };
    if (authorization.expiresAt <= this.ctx.clock.now()) return { kind: 'expired' };
    if (authorization.status !== 'pending') return { kind: 'used' };
    const client = await this.ctx.clients.findById(authorization.clientId);
    if (!client) return { kind: 'unknown' };
    return { kind: 'found', authorization, client, userCode: formatUserCode(code) };
  }

  /** The pending request behind a consent form, if it can still be decided. */
  async pending(
    id: string,
  ): Promise<{ kind: 'expired' | 'used' } | { kind: 'found'; authorization: DeviceAuthorization }> {
    const authorization = await this.repo.findById(id);
    if (!authorization || authorization.expiresAt <= this.ctx.clock.now()) return { kind: 'expired' };
    if (authorization.status !== 'pending') return { kind: 'used' };
    return { kind: 'found', authorization };
  }

  /**
   * The person approves (stored as a grant, as on the consent screen of the code flow, so it
   * shows among their connected apps) or denies. Only the first decision counts.
   */
  async decide(id: string, decision: 'approve' | 'deny', session: SignedInSession): Promise<DeviceDecisionOutcome> {
    const found = await this.pending(id);
    if (found.kind !== 'found') return found.kind;
    const { authorization } = found;
    const now = this.ctx.clock.now();
    let decided: boolean;
    if (decision === 'deny') {
      decided = await this.repo.deny(id, now);
    } else {
      const grantId = await new GrantRepository(this.ctx.database.db).approve(
        newId(),
        session.userId,
        authorization.clientId,
        authorization.scopes,
        authorization.resources,
        now,
      );
      decided = await this.repo.approve(id, { userId: session.userId, grantId, authTime: session.authTime }, now);
    }
    if (decided) return decision === 'deny' ? 'denied' : 'approved';
    // Decided elsewhere (another tab) or expired meanwhile.
    const again = await this.pending(id);
    return again.kind === 'found' ? 'used' : again.kind;
  }
}
