import { html, type Html } from './html.ts';

export interface PageOptions {
  title: string;
  body: Html;
  /** Person's name or address shown in the header when signed in. */
  signedInAs?: string | undefined;
}

/** The shell of every page: one small first-party stylesheet, no scripts, no third-party loads. */
export function page({ title, body, signedInAs }: PageOptions): string {
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
<header class="top"><a class="brand" href="/account">Consentry</a>${signedInAs ? html`<span class="who">${signedInAs}</span>` : ''}</header>
<main class="card">
${body}
</main>
</body>
</html>`.value;
}
