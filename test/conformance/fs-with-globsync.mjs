// node:fs plus the `globSync` that Node 20 lacks, for @modelcontextprotocol/conformance only
// (node20-compat.mjs explains why this exists and when to delete it).
//
// The package calls it in exactly one place — `globSync("**/checks.json", { cwd: resultsDir })`
// when tier-check summarises saved results; `conformance authorization` never calls it but
// cannot even load without the export. So this supports just what such patterns need:
// `/`-separated segments, `**` for any number of directories, and `*` / `?` within one name
// (neither matching hidden names).
// Like Node's, it returns paths relative to `cwd`, joined with the platform separator.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export * from 'node:fs';
export { default } from 'node:fs';

export function globSync(pattern, options = {}) {
  const cwd = options.cwd ?? process.cwd();
  const segments = String(pattern)
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.');
  const found = new Set();
  walk(cwd, '', segments, found);
  return [...found];
}

function walk(root, relative, segments, found) {
  if (segments.length === 0) {
    if (relative) found.add(relative);
    return;
  }
  const [segment, ...rest] = segments;
  let entries;
  try {
    entries = readdirSync(join(root, relative), { withFileTypes: true });
  } catch {
    return; // not a directory, or unreadable: no matches below it
  }
  if (segment === '**') {
    walk(root, relative, rest, found); // `**` matching no directory at all
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      if (entry.isDirectory()) walk(root, join(relative, entry.name), segments, found);
      else if (rest.length === 0) found.add(join(relative, entry.name)); // a trailing `**` takes files too
    }
    return;
  }
  const matches = segmentMatcher(segment);
  for (const entry of entries) {
    if (!matches(entry.name)) continue;
    if (rest.length === 0 || entry.isDirectory()) walk(root, join(relative, entry.name), rest, found);
  }
}

/** Wildcards never match a leading dot (hidden files), as in other globs. */
function segmentMatcher(segment) {
  if (!/[*?]/.test(segment)) return (name) => name === segment;
  const source = segment
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  const regex = new RegExp(`^${source}$`);
  return (name) => !name.startsWith('.') && regex.test(name);
}
