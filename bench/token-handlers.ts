/**
 * Cost of the refresh and code-exchange grant handlers, and of client credentials with
 * private_key_jwt (client authentication included), without HTTP, on a durable SQLite file,
 * CONCURRENCY (default 16) requests at a time as under load, so group commits form — for
 * profiling (`node --cpu-prof --import tsx bench/token-handlers.ts`). N requests of each kind.
 */
import { buildApp } from '../src/app.ts';
import { createOAuthContext } from '../src/oauth/oauth-context.ts';
import { loadConfig } from '../src/config.ts';
import { issueCodeRedirect } from '../src/oauth/authorization/issue-code.ts';
import { GrantRepository } from '../src/oauth/consent/grant-repository.ts';
import { refreshTokenGrant } from '../src/oauth/grants/refresh-token.ts';
import { authorizationCodeGrant } from '../src/oauth/grants/authorization-code.ts';
import { clientCredentialsGrant } from '../src/oauth/grants/client-credentials.ts';
import { authenticateClient, credentialsOf } from '../src/oauth/clients/authenticate-client.ts';
import { clientCredentialsBodies } from './client-assertions.ts';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const config = loadConfig({
  NODE_ENV: 'test',
  DATABASE_URL: `sqlite:${mkdtempSync(join(tmpdir(), 'consentry-handlers-'))}/bench.db`,
  SECRET_KEY: randomBytes(32).toString('base64url'),
  LOG_LEVEL: 'silent',
  JANITOR_INTERVAL_SECONDS: '0',
  REFRESH_REUSE_GRACE_SECONDS: process.env.GRACE ?? '10',
  ISSUER: 'http://127.0.0.1:1',
});
const { app, kernel, accounts } = await buildApp(config);
// The grant handlers' own context, on the app's kernel: the bench calls them without HTTP.
const ctx = await createOAuthContext(kernel);
const { client } = await ctx.clientService.create({
  name: 'b',
  type: 'confidential',
  redirectUris: ['http://127.0.0.1/cb'],
  allowedScopes: ['openid', 'offline_access'],
});
const user = await accounts.users.create({ email: 'b@example.com' });
const grantId = await new GrantRepository(ctx.database.db).approve(
  'g1',
  user.id,
  client.id,
  ['openid', 'offline_access'],
  [],
  Date.now(),
);
const verifier = randomBytes(32).toString('base64url');
const mint = async () =>
  new URL(
    await issueCodeRedirect(
      ctx,
      {
        clientId: client.id,
        redirectUri: 'http://127.0.0.1/cb',
        redirectUriSent: true,
        scopes: ['openid', 'offline_access'],
        resources: [],
        prompt: [],
        codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
        codeChallengeMethod: 'S256',
      },
      user.id,
      grantId,
      Date.now(),
    ),
  ).searchParams.get('code')!;
const cl = (await ctx.clients.findById(client.id))!;
const concurrency = Number(process.env.CONCURRENCY ?? 16);
const n = Number(process.env.N ?? 5000);
const exchange = async (code: string) =>
  authorizationCodeGrant.handle(
    ctx,
    { single: { code, redirect_uri: 'http://127.0.0.1/cb', code_verifier: verifier }, resource: [] },
    cl,
  );
const chains: string[] = [];
for (let c = 0; c < concurrency; c++) chains.push((await exchange(await mint())).refresh_token!);
// How large the group commits grow, and the time spent inside them (wall, from BEGIN to COMMIT).
const groupStats = { groups: 0, units: 0, ns: 0 };
ctx.tokenStore.onGroupCommitted?.(({ units, durationNs }) => {
  groupStats.groups++;
  groupStats.units += units;
  groupStats.ns += durationNs;
});
const groupLine = () => {
  const line = `units per group ${(groupStats.units / groupStats.groups).toFixed(1)}, group µs per unit ${(groupStats.ns / groupStats.units / 1000).toFixed(1)}`;
  groupStats.groups = groupStats.units = groupStats.ns = 0;
  return line;
};
groupLine(); // from here on: the refresh phase alone
let t = process.hrtime.bigint();
let cpu = process.cpuUsage();
/** CPU time of the whole process (every thread: the signing pool and the checkpointer too) per op. */
const cpuPerOp = () => {
  const used = process.cpuUsage(cpu);
  return ((used.user + used.system) / n).toFixed(1);
};
for (let i = 0; i < n / concurrency; i++) {
  await Promise.all(
    chains.map(async (token, c) => {
      chains[c] = (
        await refreshTokenGrant.handle(ctx, { single: { refresh_token: token }, resource: [] }, cl)
      ).refresh_token!;
    }),
  );
}
console.log(
  `refresh handler, ${concurrency} at a time: us/op`,
  (Number(process.hrtime.bigint() - t) / n / 1000).toFixed(1),
  'CPU us/op',
  cpuPerOp(),
  '|',
  groupLine(),
);
const codes: string[] = [];
for (let i = 0; i < n; i++) codes.push(await mint());
t = process.hrtime.bigint();
cpu = process.cpuUsage();
for (let i = 0; i < n; i += concurrency) await Promise.all(codes.slice(i, i + concurrency).map(exchange));
console.log(
  `code handler, ${concurrency} at a time: us/op`,
  (Number(process.hrtime.bigint() - t) / n / 1000).toFixed(1),
  'CPU us/op',
  cpuPerOp(),
  '|',
  groupLine(),
);
// private_key_jwt: verify the assertion (ES256), record its jti, then the client_credentials grant.
const keyPair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const { client: keyed } = await ctx.clientService.create({
  name: 'k',
  type: 'confidential',
  redirectUris: [],
  grantTypes: ['client_credentials'],
  allowedScopes: ['read:bookings'],
  tokenEndpointAuthMethod: 'private_key_jwt',
  jwks: { keys: [{ ...keyPair.publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256' }] },
});
const bodies = clientCredentialsBodies(
  { clientId: keyed.id, privateKey: keyPair.privateKey, kid: 'k1', audience: config.ISSUER },
  n,
  'read:bookings',
).map((body) => Object.fromEntries(new URLSearchParams(body)));
const keyedGrant = async (form: Record<string, string>) => {
  const authenticated = await authenticateClient(credentialsOf(undefined, form), ctx.clientAuth);
  return clientCredentialsGrant.handle(ctx, { single: form, resource: [] }, authenticated);
};
t = process.hrtime.bigint();
cpu = process.cpuUsage();
for (let i = 0; i < n; i += concurrency) await Promise.all(bodies.slice(i, i + concurrency).map(keyedGrant));
console.log(
  `private_key_jwt client_credentials handler, ${concurrency} at a time: us/op`,
  (Number(process.hrtime.bigint() - t) / n / 1000).toFixed(1),
  'CPU us/op',
  cpuPerOp(),
);
await app.close();
