// Lets @modelcontextprotocol/conformance 0.2.0-alpha run on Node 20.
//
// Why: every 0.2.0-alpha build does `import { globSync, … } from "fs"`. `fs.globSync` only exists
// from Node 22, so on Node 20 the package fails while linking, before any of its code runs.
// How: `node --import ./test/conformance/node20-compat.mjs node_modules/@modelcontextprotocol/conformance/dist/index.js …`
// registers a resolve hook (node20-compat-hooks.mjs) that points that one package's bare "fs"
// import at fs-with-globsync.mjs: node:fs plus a small globSync. Nothing else is touched.
// When to delete: once every machine (development and CI) runs Node 22 or newer — this file,
// node20-compat-hooks.mjs, fs-with-globsync.mjs and the --import flag in mcp-authorization.test.ts.
import { register } from 'node:module';
import * as fs from 'node:fs';

// Node 22+ has the real thing: register nothing.
if (!('globSync' in fs)) register('./node20-compat-hooks.mjs', import.meta.url);
