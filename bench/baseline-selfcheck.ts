// Smoke run of the baseline: node --import tsx bench/baseline-selfcheck.ts
// Five endpoints x 3 s x 32 connections against oidc-provider; every row should show non2xx ~ 0.
import { formatTable, measure, sampleRssMb, type ConnectionScript, type LoadResult } from './load.ts';
import { startOidcProviderBaseline } from './oidc-provider-baseline.ts';

const SECONDS = 3;
const CONNECTIONS = 32;
const FORM = 'application/x-www-form-urlencoded';

const b = await startOidcProviderBaseline();
const rows: Array<LoadResult & { serverRssMb: number }> = [];
const run = async (name: string, opts: Omit<Parameters<typeof measure>[1], 'duration' | 'connections'>) => {
  const r = await measure(name, { ...opts, duration: SECONDS, connections: CONNECTIONS });
  rows.push({ ...r, serverRssMb: sampleRssMb(b.pid) });
  console.error(`done: ${name}`);
  return r;
};
const tokenPost = {
  url: b.endpoints.token,
  method: 'POST',
  headers: { authorization: b.basicAuth, 'content-type': FORM },
} as const;

try {
  // Refresh: rotation invalidates each token on use, so every connection owns one chain and feeds the
  // refresh_token of each response into its next request.
  const rts = await b.mintRefreshTokens(CONNECTIONS);
  const refresh = await run('refresh_token (chained)', {
    ...tokenPost,
    perConnection: (i): ConnectionScript => {
      let token = rts[i]!;
      return {
        next: () => ({ body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }).toString() }),
        onResponse: (status, body) => {
          if (status === 200) token = (JSON.parse(body) as { refresh_token: string }).refresh_token;
        },
      };
    },
  });

  // Code exchange: each request redeems a fresh code. Codes live 60 s, so mint right before the run;
  // size the batch from the refresh rate (similar work per request) with a wide margin.
  const need = Math.max(5_000, Math.ceil(refresh.rps * SECONDS * 2.5));
  const codes = await b.mintAuthorizationCodes(need);
  let next = 0;
  await run(`authorization_code (${need} minted)`, {
    ...tokenPost,
    perConnection: (): ConnectionScript => ({
      // Past the end we resend the last code on purpose: it fails, and shows up as non2xx.
      next: () => {
        const c = codes[Math.min(next++, codes.length - 1)]!;
        return {
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code: c.code,
            code_verifier: c.verifier,
            redirect_uri: b.redirectUri,
          }).toString(),
        };
      },
    }),
  });
  if (next > codes.length) console.error(`warning: ran out of codes (${next} requests, ${codes.length} codes)`);

  await run('client_credentials', { ...tokenPost, body: 'grant_type=client_credentials' });

  const at = await b.mintAccessToken();
  await run('introspection', {
    url: b.endpoints.introspection,
    method: 'POST',
    headers: tokenPost.headers,
    body: new URLSearchParams({ token: at }).toString(),
  });
  await run('userinfo', { url: b.endpoints.userinfo, headers: { authorization: `Bearer ${at}` } });

  console.log(
    `oidc-provider ${b.url}  ${SECONDS}s x ${CONNECTIONS} connections  (latency ms, server RSS MiB after each run)`,
  );
  console.log(formatTable(rows));
  const bad = rows.filter((r) => r.non2xx > 0 || r.errors > 0);
  if (bad.length) {
    console.error(`non-2xx or errors in: ${bad.map((r) => r.name).join(', ')}`);
    process.exitCode = 1;
  }
} finally {
  await b.close();
}
