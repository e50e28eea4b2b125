import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildIsFresh, sourceState, STAMP } from '../../scripts/build-state.js';
import { freePort } from '../helpers/server.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'consentry-build-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the compiled build', () => {
  it('is fresh only while no source file changed, was added or went away since it was made', () => {
    const root = join(dir, 'project');
    mkdirSync(join(root, 'src/feature'), { recursive: true });
    mkdirSync(join(root, 'dist'), { recursive: true });
    for (const file of ['tsconfig.json', 'tsconfig.build.json', 'src/a.ts', 'src/feature/b.ts'])
      writeFileSync(join(root, file), '');
    expect(buildIsFresh(root)).toBe(false); // never built
    writeFileSync(join(root, STAMP), JSON.stringify(sourceState(root)));
    expect(buildIsFresh(root)).toBe(true);

    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'src/feature/b.ts'), later, later);
    expect(buildIsFresh(root)).toBe(false); // an edit
    writeFileSync(join(root, STAMP), JSON.stringify(sourceState(root)));
    writeFileSync(join(root, 'src/feature/c.ts'), '');
    utimesSync(join(root, 'src/feature/c.ts'), new Date(0), new Date(0));
    expect(buildIsFresh(root)).toBe(false); // a new file, however old its time
    writeFileSync(join(root, STAMP), JSON.stringify(sourceState(root)));
    rmSync(join(root, 'src/a.ts'));
    expect(buildIsFresh(root)).toBe(false); // a file gone
  });

  it('starts from dist/ with everything it reads at run time: stylesheets, page scripts, logos', async () => {
    // As `npm start` does (the CI install built it through `prepare`: then this is a no-op).
    await promisify(execFile)(process.execPath, ['scripts/build.js', '--if-stale'], { cwd: ROOT, timeout: 240_000 });
    expect(buildIsFresh(ROOT)).toBe(true);

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, ['bin/consentry.js', 'start'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: `sqlite:${join(dir, 'dist.db')}`,
        DATA_DIR: dir,
        SECRET_KEY: 'dGVzdC1zZWNyZXQta2V5LXRoYXQtaXMtMzItYnl0ZXMhIQ',
        LOG_LEVEL: 'info',
        // The modules a process loads, to see it run the build and not the sources.
        NODE_OPTIONS: `--import ${join(ROOT, 'test/architecture/record-modules.mjs')}`,
        RECORD_MODULES_TO: join(dir, 'modules.txt'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const until = Date.now() + 30_000;
      while (!output.includes('Consentry is serving')) {
        if (child.exitCode !== null || Date.now() > until) throw new Error(`the build did not start:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(output).not.toContain('run through tsx');
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      for (const [path, type] of [
        ['/assets/style.css', 'text/css'],
        ['/assets/icon.svg', 'image/svg+xml'],
        ['/scheduling/assets/scheduling.css', 'text/css'],
        ['/scheduling/assets/booking.js', 'text/javascript'],
        ['/scheduling/assets/host.js', 'text/javascript'],
        ['/assets/passkeys.js', 'text/javascript'],
        ['/portfolio/logos/binance.svg', 'image/svg+xml'],
      ]) {
        const response = await fetch(`${url}${path}`);
        expect(`${path} ${response.status}`).toBe(`${path} 200`);
        expect(response.headers.get('content-type')).toContain(type);
        expect((await response.text()).length).toBeGreaterThan(100);
      }
      const loaded = (await import('node:fs')).readFileSync(join(dir, 'modules.txt'), 'utf8');
      expect(loaded).toContain('/dist/src/server.js');
      expect(loaded).not.toContain('/src/server.ts');
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
    }
  }, 300_000);
});
