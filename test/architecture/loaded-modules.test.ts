import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'consentry-modules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The source files (relative to the repo) a fresh process imported while running `args`. */
function modulesLoadedBy(name: string, args: string[], env: Record<string, string>): string[] {
  return filesLoadedBy(name, args, env).filter((path) => path.startsWith('src/'));
}

/** Every file (relative to the repo: src/…, node_modules/…) a fresh process imported while running `args`. */
function filesLoadedBy(name: string, args: string[], env: Record<string, string>): string[] {
  const file = join(dir, `${name}.txt`);
  execFileSync(process.execPath, ['--import', 'tsx', '--import', './test/architecture/record-modules.mjs', ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...env,
      RECORD_MODULES_TO: file,
      DATA_DIR: dir,
      DATABASE_URL: `sqlite:${join(dir, `${name}.db`)}`,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const urls = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  return [
    ...new Set(urls.map((url) => fileURLToPath(url)).map((path) => path.replace(/^.*?(?=node_modules\/|src\/)/, ''))),
  ];
}

/** Packages a node needs only on some routes or jobs; each costs memory from start to exit once loaded. */
const LOADED_ON_FIRST_USE = [
  'ccxt', // ~80 MB: the first exchange call
  'viem', // an EVM address checked or read
  '@solana/kit',
  'bitcoinjs-lib',
  'bip32',
  '@node-rs/argon2', // the first one-time code
  '@modelcontextprotocol/sdk', // the first MCP request
  '@simplewebauthn/server', // the first passkey ceremony
  'esbuild', // the first page script asked for
  'ioredis', // only with REDIS_URL
  'libphonenumber-js', // the first phone number
];

/** Products load lazily: a node imports only what PRODUCTS names; CLI commands import no product. */
describe('what a process loads', () => {
  it('loads no portfolio module on a node serving only scheduling (and does load it when asked to)', () => {
    const scheduling = modulesLoadedBy('scheduling', ['test/architecture/build-app.ts'], { PRODUCTS: 'scheduling' });
    expect(scheduling.filter((path) => path.startsWith('src/scheduling/')).length).toBeGreaterThan(20);
    expect(scheduling.filter((path) => path.startsWith('src/portfolio/'))).toEqual([]);

    const portfolio = modulesLoadedBy('portfolio', ['test/architecture/build-app.ts'], { PRODUCTS: 'portfolio' });
    expect(portfolio.filter((path) => path.startsWith('src/portfolio/')).length).toBeGreaterThan(20);
    expect(portfolio.filter((path) => path.startsWith('src/scheduling/'))).toEqual([]);
  });

  it('starts a node serving every product without the packages only some routes and jobs need', () => {
    const files = filesLoadedBy('everything', ['test/architecture/build-app.ts'], { PRODUCTS: 'portfolio,scheduling' });
    expect(files.filter((path) => path.startsWith('src/portfolio/')).length).toBeGreaterThan(20);
    const packages = new Set(files.flatMap((path) => /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1] ?? []));
    expect(packages.has('fastify')).toBe(true);
    expect(LOADED_ON_FIRST_USE.filter((name) => packages.has(name))).toEqual([]);
  });

  it('runs `consentry migrate` without loading any feature', () => {
    const migrate = modulesLoadedBy('migrate', ['src/cli/main.ts', 'migrate'], {});
    expect(migrate).toContain('src/kernel/db/migrate.ts');
    expect(migrate.filter((path) => /^src\/(accounts|oauth|console|portfolio|scheduling|ui)\//.test(path))).toEqual([]);
  });
});
