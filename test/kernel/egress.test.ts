import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkDestination,
  EgressError,
  egressRequest,
  isAllowedAddress,
  type Resolver,
} from '../../src/kernel/egress/index.ts';

describe('review #2: webhook SSRF — one egress guard', () => {
  it('refuses every special-purpose address, IPv4 and IPv6, mapped and embedded forms', () => {
    const refused = [
      '0.0.0.0',
      '0.1.2.3',
      '10.1.2.3',
      '100.64.0.1',
      '100.127.255.254',
      '127.0.0.1',
      '127.255.0.9',
      '169.254.169.254',
      '172.16.0.1',
      '172.31.255.255',
      '192.0.0.8',
      '192.0.2.5',
      '192.88.99.1',
      '192.168.1.1',
      '198.18.0.1',
      '198.19.255.255',
      '198.51.100.7',
      '203.0.113.9',
      '224.0.0.1',
      '239.1.1.1',
      '240.0.0.1',
      '255.255.255.255',
      '::',
      '::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      '::ffff:a9fe:a9fe',
      '::7f00:1',
      '::127.0.0.1',
      '::8.8.8.8',
      '64:ff9b::8.8.8.8',
      '64:ff9b:1::1',
      '100::1',
      '2001::1',
      '2001:1ff::1',
      '2001:db8::1',
      '2002:7f00:1::1',
      '2002:a00:1::',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      'febf::1',
      'ff02::1',
      '[::1]',
      'not-an-address',
    ];
    for (const address of refused) expect(isAllowedAddress(address, false), address).toBe(false);
    const allowed = [
      '8.8.8.8',
      '93.184.216.34',
      '100.63.255.255',
      '100.128.0.1',
      '172.32.0.1',
      '198.20.0.1',
      '2606:2800:220:1::1',
      '2a00:1450:4001::1',
      '::ffff:8.8.8.8',
      '2002:808:808::1',
      '2001:200::1',
    ];
    for (const address of allowed) expect(isAllowedAddress(address, false), address).toBe(true);
    // The development switch lets loopback through, and nothing else.
    expect(isAllowedAddress('127.0.0.1', true)).toBe(true);
    expect(isAllowedAddress('::1', true)).toBe(true);
    expect(isAllowedAddress('::ffff:127.0.0.1', true)).toBe(true);
    expect(isAllowedAddress('10.1.2.3', true)).toBe(false);
    expect(isAllowedAddress('169.254.169.254', true)).toBe(false);
  });

  it('refuses internal names and address literals before any lookup', () => {
    for (const url of [
      'https://localhost./x',
      'https://LOCALHOST/x',
      'https://metadata.google.internal./x',
      'https://metadata.google.internal/x',
      'https://printer.local/x',
      'https://nas.home.arpa/x',
      'https://intranet/x',
      'https://[::7f00:1]/x',
      'https://[::ffff:169.254.169.254]/x',
      'https://100.64.1.1/x',
      'https://198.18.0.1/x',
    ]) {
      expect(checkDestination(new URL(url), false), url).toMatch(/may not be fetched/);
    }
    expect(checkDestination(new URL('http://hooks.example.com/x'), false)).toBe('must use https');
    expect(checkDestination(new URL('https://u:p@hooks.example.com/x'), false)).toBe('must not carry credentials');
    expect(checkDestination(new URL('https://hooks.example.com/x'), false)).toBeUndefined();
    expect(checkDestination(new URL('http://127.0.0.1:9/x'), true)).toBeUndefined();
  });

  describe('at connect time', () => {
    let base = '';
    let hits = 0;
    const server = createServer((_request, response) => {
      hits++;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    // A public-looking name whose DNS answers with loopback (as a rebinding attacker's would).
    const rebinding: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
    const mixed: Resolver = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '::ffff:127.0.0.1', family: 6 },
    ];

    it('refuses a name that resolves to a forbidden address, and reaches nothing', async () => {
      const port = base.split(':')[1];
      for (const resolver of [rebinding, mixed]) {
        const attempt = egressRequest(new URL(`https://hooks.attacker.example:${port}/x`), {
          timeoutMs: 2000,
          maxBytes: 1000,
          allowLoopback: false,
          resolver,
        });
        await expect(attempt).rejects.toThrow(EgressError);
        await expect(attempt).rejects.toMatchObject({ reason: 'blocked address' });
      }
      expect(hits).toBe(0);
    });

    it('refuses localhost. even with a real resolver', async () => {
      await expect(
        egressRequest(new URL(`https://localhost.:${base.split(':')[1]}/x`), {
          timeoutMs: 2000,
          maxBytes: 1000,
          allowLoopback: false,
        }),
      ).rejects.toMatchObject({ reason: 'blocked address' });
      expect(hits).toBe(0);
    });

    it('names failures in generic words: TLS error, connection failed', async () => {
      // https to a plain-http server fails in the handshake; the raw "wrong version number" stays inside.
      const tls = egressRequest(new URL(`https://${base}/x`), { timeoutMs: 2000, maxBytes: 1000, allowLoopback: true });
      await expect(tls).rejects.toMatchObject({ reason: 'TLS error', message: 'TLS error' });
      const closed = egressRequest(new URL('http://127.0.0.1:9/x'), {
        timeoutMs: 2000,
        maxBytes: 1000,
        allowLoopback: true,
      });
      await expect(closed).rejects.toMatchObject({ reason: 'connection failed', message: 'connection failed' });
    });

    it('caps the body and does not follow redirects', async () => {
      const ok = await egressRequest(new URL(`http://${base}/x`), {
        timeoutMs: 2000,
        maxBytes: 1000,
        allowLoopback: true,
      });
      expect(ok.status).toBe(200);
      await expect(
        egressRequest(new URL(`http://${base}/x`), { timeoutMs: 2000, maxBytes: 5, allowLoopback: true }),
      ).rejects.toMatchObject({ reason: 'response too large' });
    });
  });
});
