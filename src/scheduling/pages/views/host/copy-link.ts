import { html, type Html } from '../../../../ui/html.ts';

/**
 * A link to share with a "Copy link" button beside it. The button is hidden until the host
 * script finds a clipboard; it reports into its own status line.
 */
export function copyableLink(url: string, id: string): Html {
  return html`<span class="share"><a href="${url}" id="${id}">${url}</a>
<button type="button" class="secondary small" data-copy="${url}" data-status="${id}-copied" hidden>Copy link<span class="visually-hidden"> ${url}</span></button>
<span class="hint" id="${id}-copied" role="status"></span></span>`;
}
