import { escapeHtml } from '../../ui/html.ts';

const COLORS = ['#0b5cad', '#1f7a4d', '#8a3ffc', '#b4540a', '#a3264b', '#0f6e78'];

/**
 * A first-party stand-in for an app without a (fetchable) logo: its initial on a colour picked
 * from its id. Served from our own origin as SVG we wrote ourselves — never a client's SVG.
 */
export function monogramSvg(clientId: string, name: string): string {
  const initial = escapeHtml((Array.from(name.trim())[0] ?? '?').toUpperCase());
  let hash = 0;
  for (const char of clientId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  const color = COLORS[hash % COLORS.length]!;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96"><rect width="96" height="96" rx="18" fill="${color}"/><text x="48" y="50" text-anchor="middle" dominant-baseline="central" font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="48" font-weight="700" fill="#fff">${initial}</text></svg>`;
}
