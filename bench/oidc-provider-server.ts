// Child process: oidc-provider 8 configured like Consentry, listening on 127.0.0.1:<ephemeral>.
// Forked by oidc-provider-baseline.ts so the server gets its own event loop (and core) instead of
// sharing one with autocannon; the parent asks it over IPC to mint codes and tokens.
import { createServer } from 'node:http';
import { once } from 'node:events';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

export type IdTokenAlg = 'RS256' | 'ES256' | 'EdDSA';
export type ServerRequest =
  | { id: number; op: 'codes'; n: number }
  | { id: number; op: 'refreshTokens'; n: number }
  | { id: number; op: 'accessToken' };
export type ServerMessage =
  | {
      type: 'ready';
      url: string;
      clientId: string;
      clientSecret: string;
      redirectUri: string;
      /** The client that authenticates with private_key_jwt (the parent's key, BENCH_PKJWT_JWK). */
      keyClientId: string;
    }
  | { type: 'reply'; id: number; result?: unknown; error?: string };

const CLIENT_ID = 'bench-client';
const CLIENT_SECRET = randomBytes(32).toString('base64url');
const KEY_CLIENT_ID = 'bench-private-key-jwt';
const REDIRECT_URI = 'http://127.0.0.1/cb';
const SUB = 'bench-user-1';
const SCOPE = 'openid offline_access';
const DAY = 24 * 60 * 60;
const BENCH_RESOURCE = 'https://api.bench.example';

// Unbounded in-memory adapter (Map), same semantics as oidc-provider's default one. Why not the
// default: it is a QuickLRU capped at 1000 entries, so under load it evicts codes and refresh tokens
// minted seconds earlier and the run drowns in invalid_grant. Either way, storage is process memory
// with no I/O or serialization, which favours the baseline against a server backed by a database.
// Nothing expires out of the Map (runs are short); find() just hides expired entries.
type Payload = Record<string, unknown> & { grantId?: string; uid?: string; consumed?: number };
const store = new Map<string, { payload: Payload; expiresAt: number }>();
const byGrant = new Map<string, string[]>();
const byUid = new Map<string, string>();

class MapAdapter {
  constructor(private readonly model: string) {}
  private key(id: string) {
    return `${this.model}:${id}`;
  }

  async upsert(id: string, payload: Payload, expiresIn: number) {
    const key = this.key(id);
    store.set(key, { payload, expiresAt: Date.now() + expiresIn * 1000 });
    if (payload.grantId && this.model !== 'Grant') {
      const keys = byGrant.get(payload.grantId);
      if (keys) keys.push(key);
      else byGrant.set(payload.grantId, [key]);
    }
    if (this.model === 'Session' && payload.uid) byUid.set(payload.uid, id);
  }
  async find(id: string) {
    const entry = store.get(this.key(id));
    return entry && entry.expiresAt > Date.now() ? entry.payload : undefined;
  }
  async findByUid(uid: string) {
    const id = byUid.get(uid);
    return id === undefined ? undefined : this.find(id);
  }
  async findByUserCode() {
    return undefined;
  } // device flow is not enabled
  async consume(id: string) {
    const entry = store.get(this.key(id));
    if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id: string) {
    store.delete(this.key(id));
  }
  async revokeByGrantId(grantId: string) {
    for (const key of byGrant.get(grantId) ?? []) store.delete(key);
    byGrant.delete(grantId);
  }
}

function signingJwk(alg: IdTokenAlg) {
  const { privateKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
  return { ...privateKey.export({ format: 'jwk' }), alg, use: 'sig', kid: `bench-${alg}` };
}

async function main() {
  const alg = (process.env.BENCH_ID_TOKEN_ALG ?? 'RS256') as IdTokenAlg;
  const jwtAccessTokens = process.env.BENCH_OP_JWT_ACCESS_TOKENS === '1';
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const issuer = `http://127.0.0.1:${port}`;

  const provider = new Provider(issuer, {
    adapter: MapAdapter,
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [REDIRECT_URI],
        response_types: ['code'],
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
        // oidc-provider accepts client_secret_post for a client_secret_basic client (and vice versa):
        // it treats the two as one family when checking the registered method.
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: alg,
      },
      // Client credentials authenticated by an ES256 assertion, with the public key the parent signs with.
      {
        client_id: KEY_CLIENT_ID,
        redirect_uris: [],
        response_types: [],
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        id_token_signed_response_alg: alg,
        jwks: { keys: [JSON.parse(process.env.BENCH_PKJWT_JWK ?? 'null') as Record<string, unknown>] },
      },
    ],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    pkce: { methods: ['S256'], required: () => true },
    scopes: ['openid', 'offline_access'],
    // Map the two demo claims onto `openid` so userinfo returns more than `sub` with only these scopes
    // (the null entries are oidc-provider's defaults, kept because `claims` replaces the whole map).
    claims: { acr: null, auth_time: null, iss: null, sid: null, openid: ['sub', 'name', 'email'] },
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({ sub, name: 'Bench User', email: 'bench.user@example.test' }),
    }),
    issueRefreshToken: async (
      _ctx: unknown,
      client: { grantTypeAllowed(g: string): boolean },
      code: { scopes: Set<string> },
    ) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    rotateRefreshToken: true,
    // Access tokens stay oidc-provider's default opaque format (resourceIndicators off), so userinfo
    // and introspection look them up in the adapter. With BENCH_OP_JWT_ACCESS_TOKENS=1 the codes and
    // refresh tokens minted below name a resource server, and client credentials default to it: every
    // grant then issues ES256 JWT access tokens (RFC 9068), as Consentry does. The access tokens
    // minted for userinfo and introspection name none and stay opaque.
    features: {
      resourceIndicators: jwtAccessTokens
        ? {
            enabled: true,
            defaultResource: (ctx: { oidc: { params?: { grant_type?: unknown } } }) =>
              ctx.oidc.params?.grant_type === 'client_credentials' ? BENCH_RESOURCE : undefined,
            getResourceServerInfo: () => ({
              scope: '',
              audience: BENCH_RESOURCE,
              accessTokenFormat: 'jwt',
              jwt: { sign: { alg: 'ES256' } },
            }),
            // A code or refresh token's access token is for the resource it was granted for.
            useGrantedResource: () => true,
          }
        : { enabled: false },
      devInteractions: { enabled: false },
      introspection: { enabled: true, allowedPolicy: async () => true },
      revocation: { enabled: true },
      clientCredentials: { enabled: true },
      userinfo: { enabled: true },
      // DPoP as Consentry runs it by default: proofs verified with jose, replay detection (its
      // ReplayDetection model, in the Map above) and a server nonce required.
      dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true },
    },
    jwks: { keys: [signingJwk(alg)] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    // Explicit TTLs (the defaults, roughly) mostly to silence "you should change this" warnings.
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      ClientCredentials: 600,
      IdToken: 3600,
      RefreshToken: 14 * DAY,
      Grant: 14 * DAY,
    },
  });
  server.on('request', provider.callback());

  const client = await provider.Client.find(CLIENT_ID);
  const newGrant = async () => {
    const grant = new provider.Grant({ accountId: SUB, clientId: CLIENT_ID });
    grant.addOIDCScope(SCOPE);
    return grant.save();
  };
  const base = () => ({
    ...(jwtAccessTokens ? { resource: BENCH_RESOURCE } : {}),
    accountId: SUB,
    client,
    gty: 'authorization_code',
    scope: SCOPE,
    authTime: Math.floor(Date.now() / 1000),
  });

  // One grant per code / token chain, as if each came from its own user authorization.
  const handlers = {
    async codes(n: number) {
      const out: Array<{ code: string; verifier: string }> = [];
      for (let i = 0; i < n; i++) {
        const verifier = randomBytes(32).toString('base64url');
        const code = new provider.AuthorizationCode({
          ...base(),
          grantId: await newGrant(),
          redirectUri: REDIRECT_URI,
          codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
          codeChallengeMethod: 'S256',
        });
        out.push({ code: await code.save(), verifier });
      }
      return out;
    },
    async refreshTokens(n: number) {
      const out: string[] = [];
      for (let i = 0; i < n; i++)
        out.push(await new provider.RefreshToken({ ...base(), grantId: await newGrant(), rotations: 0 }).save());
      return out;
    },
    async accessToken() {
      // For userinfo and introspection: opaque, naming no resource server.
      const opaque: Record<string, unknown> = base();
      delete opaque.resource;
      return new provider.AccessToken({ ...opaque, grantId: await newGrant(), scope: 'openid' }).save();
    },
  };

  process.on('message', async (msg: ServerRequest) => {
    let reply: ServerMessage;
    try {
      const result = msg.op === 'accessToken' ? await handlers.accessToken() : await handlers[msg.op](msg.n);
      reply = { type: 'reply', id: msg.id, result };
    } catch (err) {
      reply = { type: 'reply', id: msg.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    }
    process.send!(reply);
  });
  process.on('disconnect', () => process.exit(0)); // parent went away: never linger

  process.send!({
    type: 'ready',
    url: issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: REDIRECT_URI,
    keyClientId: KEY_CLIENT_ID,
  } satisfies ServerMessage);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
