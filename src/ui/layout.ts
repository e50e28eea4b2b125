import { html, type Html } from './html.ts';

export type NavEntry = 'account' | 'developers';

export interface PageOptions {
  title: string;
  body: Html;
  /** Person's name or address shown in the header when signed in. */
  signedInAs?: string | undefined;
  /** Shows the signed-in navigation (Account, Developers) with this entry marked as current. */
  nav?: NavEntry | undefined;
  /** A wider card, for pages with long forms and lists (the developer console, /try). */
  wide?: boolean | undefined;
}

const NAV: Array<{ entry: NavEntry; href: string; label: string }> = [
  { entry: 'account', href: '/account', label: 'Account' },
  { entry: 'developers', href: '/developers', label: 'Developers' },
];

/** The shell of every page: one small first-party stylesheet, no scripts, no third-party loads. */
export function page({ title, body, signedInAs, nav, wide }: PageOptions): string {
  const links = nav
    ? html`<nav aria-label="Settings"><ul class="nav">${NAV.map((item) => html`<li><a href="${item.href}"${item.entry === nav ? html` aria-current="page"` : ''}>${item.label}</a></li>`)}</ul></nav>`
    : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · Consentry</title>
<link rel="stylesheet" href="/assets/style.css">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top"><a class="brand" href="/account"><span class="mark" aria-hidden="true"></span>Consentry</a>${links}${signedInAs ? html`<span class="who">${signedInAs}</span>` : ''}</header>
<main class="card${wide ? ' wide' : ''}" id="main">
${body}
</main>
</body>
</html>`.value;
}
