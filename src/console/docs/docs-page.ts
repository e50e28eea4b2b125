import type { ApiDocument } from '../../platform.ts';
import { html } from '../../ui/html.ts';
import { page } from '../../ui/layout.ts';

/** GET /docs: every API this node serves, each with its browsable reference and raw document. */
export function docsIndexPage(documents: ApiDocument[], issuer: string): string {
  const entry = (doc: ApiDocument) =>
    html`<li>
      <div>
        <a href="/docs${doc.path}"><strong>${doc.title}</strong></a>
        ${doc.description ? html`<div class="hint">${doc.description}</div>` : ''}
        <div class="hint">
          Base URL <code>${issuer}${doc.path}</code> · OpenAPI 3.1:
          <a href="${doc.document}"><code>${doc.document}</code></a>
        </div>
      </div>
    </li>`;
  const example = documents[0];
  return page({
    title: 'API reference',
    wide: true,
    body: html`<h1>API reference</h1>
      <p>
        Each API this server offers, described in OpenAPI 3.1 with named schemas. Calls take an OAuth access token as
        <code>Authorization: Bearer …</code>; register an app in <a href="/developers">Developers</a>.
      </p>
      ${
        documents.length
          ? html`<ul class="rows">
              ${documents.map(entry)}
            </ul>`
          : html`<p class="hint">This server offers no product API.</p>`
      }
      ${
        example
          ? html`<h2>A typed client</h2>
              <p>
                Generate TypeScript types from a document with <code>openapi-typescript</code> and call the API through
                <code>openapi-fetch</code>:
              </p>
              <pre><code>npx openapi-typescript ${issuer}${example.document} -o api.d.ts</code></pre>
              <pre><code>import createClient from 'openapi-fetch';
import type { paths } from './api.d.ts';
const api = createClient&lt;paths&gt;({ baseUrl: '${issuer}${example.path}', headers: { authorization: \`Bearer \${token}\` } });</code></pre>`
          : ''
      }`,
  });
}
