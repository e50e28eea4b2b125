import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { startTestServer } from '../helpers/server.ts';

// SMTP_URL: production needs a mail transport when serving scheduling (nothing is sent here).
const production = {
  NODE_ENV: 'production',
  SECRET_KEY: 'dGVzdC1zZWNyZXQta2V5LXRoYXQtaXMtMzItYnl0ZXMhIQ',
  SMTP_URL: 'smtp://127.0.0.1:9',
};

describe('review #12: production accepts an http ISSUER, dev-only loopback options and sends no HSTS', () => {
  it('refuses an http issuer in production, naming it', () => {
    expect(() => loadConfig({ ...production, ISSUER: 'http://auth.example.com' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...production, ISSUER: 'http://auth.example.com' })).toThrow(
      /ISSUER must be an https URL in production/,
    );
    expect(loadConfig({ ...production, ISSUER: 'https://auth.example.com' }).ISSUER).toBe('https://auth.example.com');
    // Development keeps plain http.
    expect(loadConfig({ ISSUER: 'http://localhost:3000' }).ISSUER).toBe('http://localhost:3000');
  });

  it('refuses every *_ALLOW_LOOPBACK option in production', () => {
    for (const name of ['CLIENT_METADATA_ALLOW_LOOPBACK', 'CLIENT_LOGO_ALLOW_LOOPBACK']) {
      expect(() => loadConfig({ ...production, ISSUER: 'https://auth.example.com', [name]: 'true' })).toThrow(
        new RegExp(`${name} must not be true in production`),
      );
      expect(
        loadConfig({ ISSUER: 'http://localhost:3000', [name]: 'true' })[name as 'CLIENT_LOGO_ALLOW_LOOPBACK'],
      ).toBe(true);
    }
  });

  it('sends Strict-Transport-Security when the issuer is https, and not over a plain-http issuer', async () => {
    const https = await startTestServer({ env: { ...production, ISSUER: 'https://auth.example.com' } });
    const http = await startTestServer();
    try {
      const secured = await fetch(`http://127.0.0.1:${https.config.PORT}/healthz`);
      expect(secured.headers.get('strict-transport-security')).toBe('max-age=31536000');
      const plain = await fetch(`${http.url}/healthz`);
      expect(plain.headers.get('strict-transport-security')).toBeNull();
    } finally {
      await Promise.all([https.close(), http.close()]);
    }
  });
});
