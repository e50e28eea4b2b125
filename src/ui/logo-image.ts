import { html, type Html } from './html.ts';

/** The first-party path of an app's logo (client ids may be URLs, hence the encoding). */
export function logoPath(clientId: string): string {
  return `/logos/${encodeURIComponent(clientId)}`;
}

/** An app's logo; decorative (empty alt), because the app's name is always written next to it. */
export function logoImage(client: { id: string }, size: number): Html {
  return html`<img class="logo" src="${logoPath(client.id)}" alt="" width="${size}" height="${size}">`;
}
