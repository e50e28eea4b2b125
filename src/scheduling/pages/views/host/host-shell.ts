import { displayName, type User } from '../../../../accounts/index.ts';
import { html, type Html } from '../../../../ui/html.ts';
import { page } from '../../../../ui/layout.ts';
import { HOST_ASSETS } from '../../assets/page-assets.ts';

export type HostTab = 'event-types' | 'availability' | 'bookings' | 'webhooks';

const TABS: Array<{ tab: HostTab; href: string; label: string }> = [
  { tab: 'event-types', href: '/scheduling', label: 'Event types' },
  { tab: 'availability', href: '/scheduling/availability', label: 'Availability' },
  { tab: 'bookings', href: '/scheduling/bookings', label: 'Bookings' },
  { tab: 'webhooks', href: '/scheduling/webhooks', label: 'Webhooks' },
];

export interface HostShell {
  user: User;
  /** The page's own title (also the browser tab's). */
  title: string;
  /** The section the page belongs to, marked in the tabs; none on set-up. */
  tab?: HostTab | undefined;
  /** A confirmation after a save ("Hours saved."). */
  notice?: string | undefined;
  body: Html;
}

/**
 * Every host page: "Scheduling" marked in the header, the four sections as tabs — separate
 * pages, plain links, so they work without scripts — and a confirmation line after a save.
 */
export function hostPage(v: HostShell): string {
  return page({
    title: v.title,
    signedInAs: displayName(v.user),
    nav: 'scheduling',
    wide: true,
    ...HOST_ASSETS,
    body: html`${v.tab ? html`<nav class="tabs" aria-label="Scheduling sections"><ul>${TABS.map((t) => html`<li><a href="${t.href}"${t.tab === v.tab ? html` aria-current="page"` : ''}>${t.label}</a></li>`)}</ul></nav>` : ''}
${v.notice ? html`<p class="notice saved" role="status">${v.notice}</p>` : ''}
${v.body}`,
  });
}
