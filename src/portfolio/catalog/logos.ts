import type { FastifyInstance } from 'fastify';
import type { Catalog } from './catalog.ts';

/**
 * Each provider's brand colour; the mark itself is ours (a monogram), served from here: no
 * third-party loads. A provider not listed (a chain an operator added) gets slate grey.
 */
const COLOURS: Record<string, string> = {
  binance: '#F0B90B',
  coinbase: '#0052FF',
  kraken: '#7132F5',
  okx: '#000000',
  bybit: '#F7A600',
  kucoin: '#23AF91',
  gemini: '#00DCFA',
  bitstamp: '#16A34A',
  evm: '#3C3C3D',
  ethereum: '#627EEA',
  base: '#0052FF',
  arbitrum: '#213147',
  optimism: '#FF0420',
  polygon: '#8247E5',
  bsc: '#F0B90B',
  avalanche: '#E84142',
  bitcoin: '#F7931A',
  solana: '#9945FF',
  csv: '#1A7F37',
};
/** Colours light enough that the letters are dark. */
const LIGHT = new Set(['#F0B90B', '#F7A600', '#00DCFA', '#F7931A']);
/** Where one letter would say too little. */
const LETTERS: Record<string, string> = { okx: 'OKX', evm: 'EVM', csv: 'CSV', bsc: 'BNB' };

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A round monogram in the provider's colour, with its name for screen readers. */
export function monogram(providerId: string, name: string): string {
  const colour = COLOURS[providerId] ?? '#475569';
  const letters =
    LETTERS[providerId] ??
    name
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 1)
      .toUpperCase();
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img" aria-label="${escape(name)}">` +
    `<title>${escape(name)}</title><circle cx="32" cy="32" r="32" fill="${colour}"/>` +
    `<text x="32" y="32" dy=".35em" text-anchor="middle" font-family="system-ui,sans-serif" font-weight="700" ` +
    `font-size="${letters.length > 1 ? 18 : 30}" fill="${LIGHT.has(colour) ? '#111827' : '#ffffff'}">${escape(letters)}</text></svg>`
  );
}

/** GET /portfolio/logos/<provider>.svg for every catalogue entry that names a logo here. */
export async function logoRoutes(app: FastifyInstance, catalog: Catalog): Promise<void> {
  app.get<{ Params: { file: string } }>('/portfolio/logos/:file', async (request, reply) => {
    const id = /^([a-z0-9-]+)\.svg$/.exec(request.params.file)?.[1];
    const provider = id ? catalog.find(id) : undefined;
    if (!provider?.logoUrl?.startsWith('/portfolio/logos/')) return reply.code(404).send({ error: 'no such logo' });
    return reply
      .header('content-type', 'image/svg+xml; charset=utf-8')
      .header('cache-control', 'public, max-age=86400')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(monogram(provider.providerId, provider.name));
  });
}
