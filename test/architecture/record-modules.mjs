// Preloaded with `node --import`: records every module URL the process resolves into the file
// named by RECORD_MODULES_TO, one per line (the resolve hook runs on the loader thread).
import { register } from 'node:module';

register(new URL('./record-modules-hooks.mjs', import.meta.url), { data: { file: process.env.RECORD_MODULES_TO } });
