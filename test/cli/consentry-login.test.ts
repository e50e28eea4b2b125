import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageAgent } from '../helpers/browser.ts';
import { createTestClient, type TestClient } from '../helpers/clients.ts';
import { decideOnDevicePage, DEVICE_GRANT } from '../helpers/device-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';

const BIN = fileURLToPath(new URL('../../bin/consentry.js', import.meta.url));

/** `consentry login` in its own process, as an agent or a person at a terminal runs it. */
class LoginProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number>;
  private readonly child: ChildProcess;
  private readonly listeners: Array<() => void> = [];

  constructor(args: string[]) {
    // No server configuration at all: login is a client of whatever issuer it is given.
    this.child = spawn(process.execPath, [BIN, 'login', ...args], {
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => this.append('stdout', chunk));
    this.child.stderr!.on('data', (chunk: Buffer) => this.append('stderr', chunk));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code ?? -1)));
  }

  /** Resolves with the first match of `pattern` in stderr, once the process has printed it. */
  async waitForStderr(pattern: RegExp): Promise<RegExpMatchArray> {
    for (;;) {
      const match = pattern.exec(this.stderr);
      if (match) return match;
      const exited = await Promise.race([
        new Promise<false>((resolve) => this.listeners.push(() => resolve(false))),
        this.exited.then(() => true),
      ]);
      if (exited && !pattern.exec(this.stderr))
        throw new Error(`login exited without printing ${pattern}:\n${this.stderr}`);
    }
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
  }

  private append(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    this[stream] += chunk.toString();
    for (const listener of this.listeners.splice(0)) listener();
  }
}

describe('consentry login (device flow from the command line)', () => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let registered: TestClient;
  const dir = mkdtempSync(join(tmpdir(), 'consentry-login-'));
  const running: LoginProcess[] = [];
  const login = (...args: string[]) => {
    const cli = new LoginProcess(args);
    running.push(cli);
    return cli;
  };

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({ env: { DEVICE_POLL_INTERVAL_SECONDS: '1' } }));
    registered = await createTestClient(server, {
      name: 'Consentry CLI',
      type: 'public',
      redirectUris: [],
      grantTypes: [DEVICE_GRANT, 'refresh_token'],
      allowedScopes: ['openid', 'email', 'offline_access', 'read:bookings'],
    });
  });
  afterAll(async () => {
    for (const cli of running) cli.kill();
    await close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints where to go and the code, waits for the approval, then prints the tokens as JSON', async () => {
    const cli = login(
      '--issuer',
      server.url,
      '--client-id',
      registered.id,
      '--scope',
      'openid email offline_access read:bookings',
    );
    const [, verificationUri, userCode] = await cli.waitForStderr(/open (\S+)\nand enter the code (\S+)/);
    expect(verificationUri).toBe(`${server.url}/device`);
    expect(cli.stderr).toContain(`(or open ${server.url}/device?user_code=${userCode})`);
    expect(cli.stderr).toContain('The code works for 10 minutes.');
    await decideOnDevicePage(server, new PageAgent(server.url), smtp, {
      email: 'cli@example.com',
      userCode: userCode!,
    });
    expect(await cli.exited).toBe(0);
    expect(cli.stderr).toContain('Signed in.');
    const tokens = JSON.parse(cli.stdout) as Record<string, string>;
    expect(tokens).toMatchObject({ token_type: 'Bearer', scope: 'openid email offline_access read:bookings' });
    expect(tokens.refresh_token).toMatch(/^rt_/);
    expect(tokens.id_token).toBeTypeOf('string');
    const me = await fetch(`${server.url}/oauth/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(((await me.json()) as { email: string }).email).toBe('cli@example.com');
  });

  it('writes the tokens to --output, readable by its owner only', async () => {
    const file = join(dir, 'tokens.json');
    const cli = login(
      '--issuer',
      server.url,
      '--client-id',
      registered.id,
      '--scope',
      'read:bookings',
      '--output',
      file,
    );
    const [, userCode] = await cli.waitForStderr(/enter the code (\S+)/);
    await decideOnDevicePage(server, new PageAgent(server.url), smtp, {
      email: 'cli@example.com',
      userCode: userCode!,
    });
    expect(await cli.exited).toBe(0);
    expect(cli.stdout).toBe('');
    expect(cli.stderr).toContain(`Tokens written to ${file}`);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveProperty('access_token');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('exits 1 when the person denies, 2 on bad usage, and refuses plain http to other hosts', async () => {
    const cli = login('--issuer', server.url, '--client-id', registered.id);
    const [, userCode] = await cli.waitForStderr(/enter the code (\S+)/);
    await decideOnDevicePage(server, new PageAgent(server.url), smtp, {
      email: 'cli-no@example.com',
      userCode: userCode!,
      decision: 'deny',
    });
    expect(await cli.exited).toBe(1);
    expect(cli.stderr).toContain('The request was denied.');
    expect(cli.stdout).toBe('');

    const usage = login('--client-id', registered.id);
    expect(await usage.exited).toBe(2);
    expect(usage.stderr).toContain('login needs --issuer and --client-id');

    const plain = login('--issuer', 'http://auth.example', '--client-id', registered.id);
    expect(await plain.exited).toBe(1);
    expect(plain.stderr).toContain('the issuer must use https');

    const unknown = login('--issuer', server.url, '--client-id', 'cl_nobody');
    expect(await unknown.exited).toBe(1);
    expect(unknown.stderr).toContain('invalid_client');
  });
});
