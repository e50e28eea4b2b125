// @ts-check
// `npm run build` (and `npm install`, through `prepare`): compiles src/ to dist/ with tsc
// (types are checked by `npm run typecheck`, so the emit skips them: 5 s instead of 30) and
// copies what tsc does not emit but the server reads at run time (stylesheets, the browser
// scripts esbuild bundles on first request, JSON data). Last it writes dist/build-info.json,
// which tells bin/consentry.js the build matches the sources.
//
//   node scripts/build.js             build
//   node scripts/build.js --if-stale  build only when src/ changed since the last build (npm start)
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIsFresh, sourceState, STAMP } from './build-state.js';

const root = fileURLToPath(new URL('..', import.meta.url));
if (process.argv.includes('--if-stale') && buildIsFresh(root)) process.exit(0);

const require = createRequire(import.meta.url);
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  // An install without dev dependencies (npm ci --omit=dev) has no compiler: the sources run through tsx.
  console.warn('consentry build: typescript is not installed; `consentry` will run the sources through tsx');
  process.exit(0);
}

// Sources tsc leaves out (tsconfig.json's exclude: the browser scripts, bundled from .ts at run time).
const ts = require('typescript');
/** @type {string[]} */
const excluded = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile).config.exclude ?? [];
const COPIED_AS_IS = excluded.map((path) => `${path.replace(/\/+$/, '')}/`);

// Taken before compiling: a file saved during the build makes the build stale rather than fresh.
const state = sourceState(root);
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--noCheck'], { cwd: root, stdio: 'inherit' });
let copied = 0;
/** @param {string} dir */
const copyAssets = (dir) => {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) copyAssets(path);
    else if (!/\.(ts|js)$/.test(entry.name) || COPIED_AS_IS.some((prefix) => path.startsWith(prefix))) {
      mkdirSync(join(root, 'dist', dir), { recursive: true });
      copyFileSync(join(root, path), join(root, 'dist', path));
      copied++;
    }
  }
};
copyAssets('src');
writeFileSync(join(root, STAMP), `${JSON.stringify({ ...state, builtAt: new Date().toISOString() })}\n`);
console.log(`consentry build: compiled ${state.files} source files to dist/ (${copied} copied as they are)`);
