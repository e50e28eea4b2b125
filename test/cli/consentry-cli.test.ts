import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/consentry.js', import.meta.url));

/** The `consentry` command as an operator uses it, against its own SQLite file. */
describe('consentry CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'consentry-cli-'));
  const env = {
    PATH: process.env.PATH ?? '',
    DATABASE_URL: `sqlite:${join(dir, 'cli.db')}`,
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
  };
  const consentry = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  it('migrates, creates and lists clients, deletes them, creates people and rotates keys', async () => {
    expect((await consentry('migrate')).stdout).toMatch(/Applied|up to date/);
    expect((await consentry('migrate')).stdout).toContain('up to date');

    const created = await consentry(
      'clients',
      'create',
      '--name',
      'Budget app',
      '--redirect-uri',
      'https://budget.example/cb',
      '--scope',
      'openid read:assets',
      '--json',
    );
    expect(created.code).toBe(0);
    const client = JSON.parse(created.stdout) as { client_id: string; client_secret: string; scope: string };
    expect(client.client_secret).toMatch(/^cs_/);
    expect(client.scope).toBe('openid read:assets');
    const pub = await consentry(
      'clients',
      'create',
      '--name',
      'CLI tool',
      '--public',
      '--redirect-uri',
      'http://127.0.0.1/cb',
    );
    expect(pub.stdout).toContain('public');
    expect(pub.stdout).not.toContain('client_secret');

    // A device-flow client (RFC 8628) needs no redirect URI; an unknown grant type is refused.
    const device = await consentry(
      'clients',
      'create',
      '--name',
      'Agent',
      '--public',
      '--grant-type',
      'urn:ietf:params:oauth:grant-type:device_code',
      '--grant-type',
      'refresh_token',
      '--json',
    );
    expect(device.code).toBe(0);
    expect((JSON.parse(device.stdout) as { grant_types: string[] }).grant_types).toEqual([
      'urn:ietf:params:oauth:grant-type:device_code',
      'refresh_token',
    ]);
    const password = await consentry('clients', 'create', '--name', 'Old', '--grant-type', 'password');
    expect(password.code).toBe(2);
    expect(password.stderr).toContain('unsupported grant type password');

    const listed = JSON.parse((await consentry('clients', 'list', '--json')).stdout) as Array<{ client_id: string }>;
    expect(listed.map((c) => c.client_id)).toContain(client.client_id);

    const bad = await consentry('clients', 'create', '--name', 'Bad', '--redirect-uri', 'http://evil.example/cb');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('redirect_uris');

    expect((await consentry('clients', 'delete', client.client_id)).code).toBe(0);
    expect((await consentry('clients', 'delete', client.client_id)).code).toBe(1);

    const user = await consentry('users', 'create', '--email', 'Ops@Example.com', '--name', 'Ops');
    expect(user.code).toBe(0);
    expect(user.stdout).toContain('ops@example.com');
    expect((await consentry('users', 'create', '--email', 'ops@example.com')).code).toBe(1);

    const rotated = await consentry('keys', 'rotate');
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/Now signing with \S+; retired \S+; next key \S+ is published/);

    expect((await consentry('nonsense')).code).toBe(2);
  }, 60_000);

  it('refuses to start with invalid configuration, naming the problem', async () => {
    const { code, stderr } = await run(process.execPath, [BIN, 'migrate'], { env: { ...env, PORT: 'eighty' } }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(code).toBe(2);
    expect(stderr).toContain('PORT');
  });
});
