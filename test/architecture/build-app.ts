// Run by loaded-modules.test.ts in a child process: builds (and closes) the app with the
// environment's PRODUCTS, so the parent can see which modules that imported.
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';

const built = await buildApp(
  loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: 'sqlite::memory:',
    SECRET_KEY: 'dGVzdC1zZWNyZXQta2V5LXRoYXQtaXMtMzItYnl0ZXMhIQ',
    LOG_LEVEL: 'silent',
    JANITOR_INTERVAL_SECONDS: '0',
    PRODUCTS: process.env.PRODUCTS ?? '',
  }),
);
await built.app.ready();
await built.app.close();
