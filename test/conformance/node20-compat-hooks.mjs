// Module resolve hook registered by node20-compat.mjs (see there for why and when to delete it).
// Runs on Node's loader thread: redirects the "fs" import of @modelcontextprotocol/conformance
// (and only that package's) to fs-with-globsync.mjs.
const SHIM = new URL('./fs-with-globsync.mjs', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  const fromConformance = context.parentURL?.includes('/node_modules/@modelcontextprotocol/conformance/') ?? false;
  if (fromConformance && (specifier === 'fs' || specifier === 'node:fs')) return { url: SHIM, shortCircuit: true };
  return nextResolve(specifier, context);
}
