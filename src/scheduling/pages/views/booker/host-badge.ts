import { html, type Html } from '../../../../ui/html.ts';

/** Up to two initials: "Paris Host" → "PH", "anna" → "A". */
export function initials(name: string): string {
  const words = name.split(/[\s._@-]+/).filter(Boolean);
  return words
    .slice(0, 2)
    .map((word) => [...word][0]!.toUpperCase())
    .join('');
}

/** The host as invitees see them: an initials avatar (no pictures are stored) and their name. */
export function hostBadge(name: string): Html {
  return html`<p class="host"><span class="avatar" aria-hidden="true">${initials(name) || '?'}</span><span class="host-name">${name}</span></p>`;
}
