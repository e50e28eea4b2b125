// @ts-check
// Whether dist/ (the compiled build) still matches src/: the build records the newest source
// modification time and the number of source files it compiled, and a start compares them with
// what src/ holds now. A stat of every source file (about 600) costs a few milliseconds; an edit,
// an added or removed file or a checkout (git sets the mtime of what it writes) makes the build stale.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Files whose change changes the build's output, besides src/. */
const INPUTS = ['tsconfig.json', 'tsconfig.build.json'];
export const STAMP = 'dist/build-info.json';

/**
 * The newest modification time (ms) and the number of files under src/ and the build's inputs.
 * @param {string} root
 */
export function sourceState(root) {
  let newestMs = 0;
  let files = 0;
  /** @param {string} dir */
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        files++;
        newestMs = Math.max(newestMs, statSync(path).mtimeMs);
      }
    }
  };
  walk(join(root, 'src'));
  for (const input of INPUTS) newestMs = Math.max(newestMs, statSync(join(root, input)).mtimeMs);
  return { newestMs, files };
}

/**
 * True when dist/ was built from the sources as they are now.
 * @param {string} root
 */
export function buildIsFresh(root) {
  try {
    const built = JSON.parse(readFileSync(join(root, STAMP), 'utf8'));
    const now = sourceState(root);
    return built.newestMs === now.newestMs && built.files === now.files;
  } catch {
    return false; // no build, or an unreadable one
  }
}
