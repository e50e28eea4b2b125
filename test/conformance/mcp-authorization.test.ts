import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PageAgent } from '../helpers/browser.ts';
import { createTestClient } from '../helpers/clients.ts';
import { signInThroughPages } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import { freePort, type TestServer } from '../helpers/server.ts';

/**
 * The MCP conformance suite's authorization-server checks (`conformance authorization`) run
 * against a real Consentry. The CLI prints an authorization URL and waits for a browser to come
 * back to its callback server on http://127.0.0.1:<port>/callback; this test is that browser:
 * it signs a person in through the real pages (one-time code by SMTP), approves consent and
 * follows the redirect to the CLI's callback, then reads the CLI's verdict.
 */

const CONFORMANCE_CLI = join(
  dirname(createRequire(import.meta.url).resolve('@modelcontextprotocol/conformance/package.json')),
  'dist',
  'index.js',
);
// Node 20 lacks fs.globSync, which the CLI imports; see node20-compat.mjs (delete on Node 22+).
const NODE20_COMPAT = new URL('./node20-compat.mjs', import.meta.url).href;

/** Every authorization-server scenario of @modelcontextprotocol/conformance 0.2.0-alpha.12, in run order. */
const SCENARIOS = ['authorization-server-metadata-endpoint', 'authorization-code-grant'];
/** The checks each scenario reports, all of which must be SUCCESS (not just "not FAILURE"). */
const CHECKS: Record<string, string[]> = {
  'authorization-server-metadata-endpoint': ['authorization-server-metadata', 'authorization-server-metadata-cimd'],
  'authorization-code-grant': ['authorization-code-grant'],
};

/** Bounds every wait on the CLI; a healthy run takes well under a second. */
const STEP_TIMEOUT_MS = 10_000;

interface Check {
  id: string;
  status: string;
  errorMessage?: string;
  details?: Record<string, unknown>;
}

/** What Consentry saw of a token request: who, how it authenticated, what it answered. */
interface TokenRequest {
  clientId: string | undefined;
  basicAuth: boolean;
  secretInBody: boolean;
  status: number;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The CLI as a child process whose output the test can wait on. */
class ConformanceCli {
  readonly exited: Promise<Exit>;
  private readonly child: ChildProcess;
  private output = '';
  private finished = false;
  private readonly listeners = new Set<() => void>();

  constructor(args: string[]) {
    this.child = spawn(process.execPath, ['--import', NODE20_COMPAT, CONFORMANCE_CLI, 'authorization', ...args], {
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString();
      for (const listener of this.listeners) listener();
    };
    this.child.stdout!.on('data', collect);
    this.child.stderr!.on('data', collect);
    this.exited = new Promise((resolve) => {
      const done = (exit: Exit) => {
        this.finished = true;
        resolve(exit);
        for (const listener of this.listeners) listener();
      };
      this.child.once('error', (error) => {
        this.output += `\ncould not run the conformance CLI: ${error.message}`;
        done({ code: null, signal: null });
      });
      this.child.once('close', (code, signal) => done({ code, signal }));
    });
  }

  /** Everything the CLI wrote so far (stdout and stderr interleaved), without colour codes. */
  get text(): string {
    // eslint-disable-next-line no-control-regex
    return this.output.replace(/\x1b\[[0-9;]*m/g, '');
  }

  /** Resolves with the first match of `pattern` in the output, once the CLI has printed it. */
  waitFor(pattern: RegExp, what: string): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(this.text);
        if (match) return finish(() => resolve(match));
        if (this.finished) {
          return finish(() => reject(new Error(`the conformance CLI exited before it printed ${what}`)));
        }
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`the conformance CLI did not print ${what} within ${STEP_TIMEOUT_MS} ms`))),
        STEP_TIMEOUT_MS,
      );
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        settle();
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Waits (bounded) for the CLI to exit on its own. */
  async exit(): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the conformance CLI did not exit within ${STEP_TIMEOUT_MS} ms:\n${this.text}`)),
        STEP_TIMEOUT_MS,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the process if it is still running and waits until it is gone. */
  async stop(): Promise<void> {
    if (this.finished) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** The checks.json the CLI saved per scenario under `-o <dir>` (authorization-server-<scenario>-<timestamp>/). */
async function readResults(outputDir: string): Promise<Map<string, Check[]>> {
  const results = new Map<string, Check[]>();
  for (const entry of await readdir(outputDir, { withFileTypes: true })) {
    const scenario = /^authorization-server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/.exec(entry.name)?.[1];
    if (!entry.isDirectory() || !scenario) continue;
    results.set(scenario, JSON.parse(await readFile(join(outputDir, entry.name, 'checks.json'), 'utf8')) as Check[]);
  }
  return results;
}

// A few bounded waits in a row (CLI output, one-time code, CLI exit); a healthy case takes < 1 s.
describe('MCP authorization conformance (@modelcontextprotocol/conformance authorization)', { timeout: 45_000 }, () => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  const cleanups: Array<() => Promise<void>> = [];
  const tokenRequests: TokenRequest[] = [];

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({
      extend: ({ app }) => {
        // Records how the CLI talks to the token endpoint, to tell its failures from Consentry's.
        app.addHook('onResponse', async (request, reply) => {
          if (request.routeOptions.url !== '/oauth/token') return;
          const body = (request.body ?? {}) as Record<string, unknown>;
          const basic = /^basic (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
          const basicId = basic
            ? decodeURIComponent(Buffer.from(basic, 'base64').toString('utf8').split(':')[0]!)
            : undefined;
          const clientId = basicId ?? (typeof body.client_id === 'string' ? body.client_id : undefined);
          tokenRequests.push({
            clientId,
            basicAuth: basic !== undefined,
            secretInBody: 'client_secret' in body,
            status: reply.statusCode,
          });
        });
      },
    }));
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(() => close?.());

  /** A person's browser: signs in, approves, and returns where Consentry finally redirects. */
  async function approveInBrowser(authorizeUrl: string, email: string): Promise<URL> {
    const agent = new PageAgent(server.url);
    const started = await agent.get(authorizeUrl);
    expect(started.status, await started.clone().text()).toBe(303);
    const signedIn = await signInThroughPages(agent, smtp, email, started);
    const consent = await agent.get(signedIn.headers.get('location')!);
    const consentHtml = await consent.text();
    expect(consent.status, consentHtml).toBe(200);
    expect(consentHtml).toContain('MCP Conformance');
    const decided = await agent.submit(consentHtml, { decision: 'approve' }, '/oauth/interaction/');
    expect(decided.status).toBe(303);
    return new URL(decided.headers.get('location')!, server.url);
  }

  /**
   * Runs every authorization scenario with the given client, completing the browser part, and
   * returns the CLI's output and saved checks.
   */
  async function runConformance(options: {
    clientId: string;
    clientSecret?: string;
    port: number;
    resource?: string;
    email: string;
  }) {
    const outputDir = await mkdtemp(join(tmpdir(), 'consentry-mcp-conformance-'));
    cleanups.push(() => rm(outputDir, { recursive: true, force: true }));
    const args = [
      '--url',
      server.url,
      '--client-id',
      options.clientId,
      '--port',
      String(options.port),
      '-o',
      outputDir,
    ];
    if (options.clientSecret) args.push('--client-secret', options.clientSecret);
    if (options.resource) args.push('--resource', options.resource);
    const cli = new ConformanceCli(args);
    cleanups.push(() => cli.stop());

    let callback: URL;
    try {
      const [authorizeUrl] = await cli.waitFor(
        new RegExp(`^${escape(server.url)}/oauth/authorize\\?\\S+$`, 'm'),
        'the authorization URL',
      );
      // The URL is printed while the callback server is still starting; the redirect comes only
      // after sign-in anyway, but waiting for this line keeps it deterministic.
      await cli.waitFor(
        new RegExp(`Callback server started: http://127\\.0\\.0\\.1:${options.port}$`, 'm'),
        'that its callback server is listening',
      );
      callback = await approveInBrowser(authorizeUrl, options.email);
      expect(callback.origin + callback.pathname, 'Consentry redirected somewhere other than the CLI callback').toBe(
        `http://127.0.0.1:${options.port}/callback`,
      );
      const delivered = await fetch(callback, { redirect: 'manual' });
      expect(delivered.status, `the CLI callback answered: ${await delivered.clone().text()}`).toBe(200);
    } catch (error) {
      // The stdout summary has no reasons; the checks saved so far (e.g. a failed metadata check) do.
      const saved = JSON.stringify(Object.fromEntries(await readResults(outputDir)), null, 2);
      throw new Error(`${(error as Error).message}\nconformance CLI output:\n${cli.text}\nsaved checks:\n${saved}`, {
        cause: error,
      });
    }

    const exit = await cli.exit();
    return {
      exit,
      output: cli.text,
      results: await readResults(outputDir),
      callback,
      tokenRequests: tokenRequests.filter((t) => t.clientId === options.clientId),
    };
  }

  /** The CLI's verdict: every scenario ran, every check passed, and its own summary agrees. */
  function expectAllPassed(run: Awaited<ReturnType<typeof runConformance>>): void {
    const report = `conformance CLI output:\n${run.output}\nsaved checks:\n${JSON.stringify(Object.fromEntries(run.results), null, 2)}`;
    expect(run.exit, report).toEqual({ code: 0, signal: null });
    expect(run.output, report).toContain(`Running test (${SCENARIOS.length} scenarios)`);
    expect(
      [...run.output.matchAll(/^=== Running scenario: (\S+) ===$/gm)].map((m) => m[1]),
      report,
    ).toEqual(SCENARIOS);
    expect([...run.results.keys()].sort(), report).toEqual([...SCENARIOS].sort());
    for (const scenario of SCENARIOS) {
      const checks = run.results.get(scenario)!;
      expect(
        checks.map((c) => c.id),
        report,
      ).toEqual(CHECKS[scenario]);
      for (const check of checks)
        expect({ scenario, id: check.id, status: check.status, error: check.errorMessage }, report).toEqual({
          scenario,
          id: check.id,
          status: 'SUCCESS',
          error: undefined,
        });
      expect(run.output, report).toContain(`✓ ${scenario}: ${checks.length} passed, 0 failed`);
    }
    const total = SCENARIOS.reduce((sum, s) => sum + CHECKS[s]!.length, 0);
    expect(run.output, report).toContain(`Total: ${total} passed, 0 failed`);
    // The CLI judged the very redirect this test's browser delivered to it, and redeemed its code here.
    const grant = run.results.get('authorization-code-grant')![0]!;
    expect(grant.details?.authorizationResponseUrl, report).toBe(run.callback.toString());
    expect(
      run.tokenRequests.map((t) => t.status),
      report,
    ).toEqual([200]);
  }

  it('public client (PKCE, no secret): every authorization scenario passes', async () => {
    const port = await freePort();
    const client = await createTestClient(server, {
      name: 'MCP Conformance (public)',
      type: 'public',
      redirectUris: [`http://127.0.0.1:${port}/callback`],
    });
    expectAllPassed(await runConformance({ clientId: client.id, port, email: 'public@example.com' }));
  });

  it('public client asking for the MCP server as resource (RFC 8707): every authorization scenario passes', async () => {
    const port = await freePort();
    const client = await createTestClient(server, {
      name: 'MCP Conformance (resource)',
      type: 'public',
      redirectUris: [`http://127.0.0.1:${port}/callback`],
      defaultScopes: ['read:bookings'],
    });
    expectAllPassed(
      await runConformance({
        clientId: client.id,
        port,
        resource: `${server.url}/api/mcp`,
        email: 'resource@example.com',
      }),
    );
  });

  /*
   * A confidential client cannot pass with this CLI, through no fault of Consentry's. In
   * 0.2.0-alpha.12 (and upstream's source as of writing) `selectTokenAuthMethod` returns "none"
   * whenever token_endpoint_auth_methods_supported lists it — even when given --client-secret —
   * so the code is redeemed with only `client_id` in the body. Consentry lists "none" because its
   * public clients use it, and must refuse a confidential client that does not authenticate
   * (RFC 6749 §3.2.1 and §4.1.3, kept by OAuth 2.1): 401 invalid_client. This case pins that
   * known defect like an expected-failures baseline: when a CLI upgrade starts sending the
   * secret, it fails here, and should become `expectAllPassed(run)`.
   */
  it('confidential client: the CLI redeems the code without its secret, and Consentry refuses as it must (known CLI defect)', async () => {
    const port = await freePort();
    const client = await createTestClient(server, {
      name: 'MCP Conformance (confidential)',
      type: 'confidential',
      redirectUris: [`http://127.0.0.1:${port}/callback`],
    });
    const run = await runConformance({
      clientId: client.id,
      clientSecret: client.secret!,
      port,
      email: 'confidential@example.com',
    });
    const report = `conformance CLI output:\n${run.output}\nsaved checks:\n${JSON.stringify(Object.fromEntries(run.results), null, 2)}`;

    expect(
      run.tokenRequests,
      `${report}\nthe CLI now authenticates confidential clients: make this case expectAllPassed(run)`,
    ).toEqual([{ clientId: client.id, basicAuth: false, secretInBody: false, status: 401 }]);
    expect(run.exit, report).toEqual({ code: 1, signal: null });
    expect(
      run.results.get('authorization-server-metadata-endpoint')?.map((c) => c.status),
      report,
    ).toEqual(['SUCCESS', 'SUCCESS']);
    expect(
      run.results.get('authorization-code-grant')?.map((c) => [c.status, c.errorMessage]),
      report,
    ).toEqual([['FAILURE', 'Invalid status code: 401']]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
