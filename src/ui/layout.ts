import { html, type Html } from './html.ts';

/** The entry of the signed-in navigation a page marks as current ('account', 'developers', a product's). */
export type NavEntry = string;

export interface PageOptions {
  title: string;
  body: Html;
  /** Person's name or address shown in the header when signed in. */
  signedInAs?: string | undefined;
  /** Shows the signed-in navigation (Account, the products' pages, Developers) with this entry marked as current. */
  nav?: NavEntry | undefined;
  /** A wider card, for pages with long forms and lists (the developer console, /try). */
  wide?: boolean | undefined;
  /** First-party scripts (deferred) that enhance the page; it works without them. */
  scripts?: readonly string[] | undefined;
  /** First-party stylesheets a feature adds after the shared one. */
  styles?: readonly string[] | undefined;
  /** More of the head, after the scripts (e.g. a `<noscript>` refresh for pages a script keeps live). */
  head?: Html | undefined;
}

export interface NavLink {
  entry: NavEntry;
  href: string;
  label: string;
}

const ACCOUNT: NavLink = { entry: 'account', href: '/account', label: 'Account' };
const DEVELOPERS: NavLink = { entry: 'developers', href: '/developers', label: 'Developers' };
let productLinks: readonly NavLink[] = [];

/**
 * The signed-in header links of the products this node serves (e.g. Scheduling), set once by
 * the composition root while it builds the app. One process serves one deployment, so this is
 * configuration, not state; a test building several apps in one file sees the last one's.
 */
export function setProductNavigation(links: readonly NavLink[]): void {
  productLinks = links;
}

/** The shell of every page: one small first-party stylesheet, first-party scripts only, no third-party loads. */
export function page({ title, body, signedInAs, nav, wide, scripts = [], styles = [], head }: PageOptions): string {
  const entries = [ACCOUNT, ...productLinks, DEVELOPERS];
  const links = nav
    ? html`<nav aria-label="Settings"><ul class="nav">${entries.map((item) => html`<li><a href="${item.href}"${item.entry === nav ? html` aria-current="page"` : ''}>${item.label}</a></li>`)}</ul></nav>`
    : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · Consentry</title>
<link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/style.css">${styles.map((href) => html`\n<link rel="stylesheet" href="${href}">`)}${scripts.map((src) => html`\n<script src="${src}" defer></script>`)}${head ? html`\n${head}` : ''}
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
