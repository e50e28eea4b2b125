import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { scriptBundle, sendScript } from '../../../ui/script-bundle.ts';

const stylesheet = readFileSync(new URL('./connect.css', import.meta.url), 'utf8');

/** A wallet, drawn here (the "any address" tile's mark): no third-party loads. */
const WALLET_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img" aria-label="Wallet"><title>Wallet</title>' +
  '<circle cx="32" cy="32" r="32" fill="#0b5cad"/><rect x="15" y="21" width="34" height="24" rx="4" fill="none" stroke="#fff" stroke-width="3.5"/>' +
  '<path d="M38 29h11v8H38a4 4 0 0 1 0-8z" fill="#fff"/></svg>';

/** The widget's enhancing scripts, one per page, bundled from ../browser/ on first request. */
export const CONNECT_SCRIPTS = {
  'picker.js': scriptBundle(new URL('../browser/picker-page.ts', import.meta.url)),
  'provider.js': scriptBundle(new URL('../browser/provider-page.ts', import.meta.url)),
  'progress.js': scriptBundle(new URL('../browser/progress-page.ts', import.meta.url)),
} as const;
export type ConnectScript = 'picker' | 'provider' | 'progress';

export const CONNECT_STYLES = ['/connect/assets/connect.css'] as const;

export function connectScript(name: ConnectScript): string {
  return `/connect/assets/${name}.js`;
}

/** GET /connect/assets/…: the widget's stylesheet, scripts and wallet mark, first-party (CSP 'self'). */
export async function connectAssetRoutes(app: FastifyInstance): Promise<void> {
  app.get('/connect/assets/connect.css', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(stylesheet),
  );
  app.get('/connect/assets/wallet.svg', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('image/svg+xml; charset=utf-8')
      .header('cache-control', 'public, max-age=86400')
      .header('content-security-policy', "default-src 'none'")
      .send(WALLET_SVG),
  );
  app.get<{ Params: { name: string } }>('/connect/assets/:name', { schema: { hide: true } }, async (request, reply) => {
    const load = CONNECT_SCRIPTS[request.params.name as keyof typeof CONNECT_SCRIPTS];
    if (!Object.hasOwn(CONNECT_SCRIPTS, request.params.name) || !load) return reply.callNotFound();
    return sendScript(request, reply, load);
  });
}
