import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '../../src/config.ts';

describe('configuration', () => {
  it('is documented in the README, every variable with its default', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const option of describeConfig()) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${option.name}\` |`));
      expect(row, `README row for ${option.name}`).toBeDefined();
      if (option.default !== undefined) expect(row).toContain(`\`${String(option.default)}\``);
    }
  });

  it('applies defaults and derives the issuer from the port', () => {
    const config = loadConfig({ PORT: '4000' });
    expect(config.ISSUER).toBe('http://localhost:4000');
    expect(config.REFRESH_REUSE_GRACE_SECONDS).toBe(10);
    expect(config.DATABASE_URL).toBe('sqlite:./data/consentry.db');
  });

  it('stops with a clear message on invalid values', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ ISSUER: 'not a url' })).toThrow(/ISSUER/);
    expect(() => loadConfig({ ISSUER: 'https://x.example/?q=1' })).toThrow(/query/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SECRET_KEY/);
  });
});
