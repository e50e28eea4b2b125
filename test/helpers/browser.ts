/**
 * A minimal cookie-keeping HTTP agent that follows a person's path through the server-rendered
 * pages: it reads forms out of the HTML and submits them, never following redirects on its own
 * so tests can assert every 303.
 */
export class PageAgent {
  private readonly cookies = new Map<string, string>();
  /** Sent as User-Agent when set (the sessions list on /account shows it). */
  userAgent: string | undefined;
  /** Extra headers sent with every request (e.g. X-Forwarded-For behind a trusted proxy). */
  headers: Record<string, string> = {};

  constructor(private readonly base: string) {}

  async get(path: string): Promise<Response> {
    return this.send(path, { method: 'GET' });
  }

  /** Posts a form; a list value repeats its field, as a group of checked checkboxes does. */
  async post(path: string, form: Record<string, string | string[]>): Promise<Response> {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(form))
      for (const one of Array.isArray(value) ? value : [value]) body.append(name, one);
    return this.send(path, {
      method: 'POST',
      body: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  /** Submits the page's form whose action matches (or the first POST form), keeping its hidden fields. */
  async submit(html: string, fields: Record<string, string | string[]>, actionIncludes?: string): Promise<Response> {
    const form = findForm(html, actionIncludes);
    return this.post(form.action, { ...form.hidden, ...fields });
  }

  /** Types `value` into the form's first visible field and submits it, as a person would. */
  async fillAndSubmit(html: string, value: string, actionIncludes?: string): Promise<Response> {
    const form = findForm(html, actionIncludes);
    const field = form.fields[0];
    if (!field) throw new Error(`form ${form.action} has no visible field`);
    return this.post(form.action, { ...form.hidden, [field]: value });
  }

  /** Follows redirects on this server (as a browser would) until a page or a foreign URL. */
  async follow(response: Response): Promise<{ response: Response; url: string }> {
    let current = response;
    let url = current.url;
    for (let hops = 0; hops < 10 && current.status >= 300 && current.status < 400; hops++) {
      const location = current.headers.get('location')!;
      url = new URL(location, this.base).toString();
      if (!url.startsWith(this.base)) return { response: current, url };
      current = await this.get(url);
    }
    return { response: current, url };
  }

  private async send(path: string, init: RequestInit): Promise<Response> {
    const url = new URL(path, this.base);
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(this.headers)) headers.set(name, value);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    if (this.userAgent) headers.set('user-agent', this.userAgent);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }
}

export interface FoundForm {
  action: string;
  hidden: Record<string, string>;
  /** Names of the visible text-like inputs, in page order. */
  fields: string[];
}

export function findForm(html: string, actionIncludes?: string): FoundForm {
  const forms = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)];
  for (const [, attributes, inner] of forms) {
    const method = /method="([^"]*)"/i.exec(attributes!)?.[1]?.toLowerCase();
    const action = decode(/action="([^"]*)"/i.exec(attributes!)?.[1] ?? '');
    if (method !== 'post' || (actionIncludes && !action.includes(actionIncludes))) continue;
    const hidden: Record<string, string> = {};
    const fields: string[] = [];
    for (const [input] of inner!.matchAll(/<input\b[^>]*>/gi)) {
      const name = /name="([^"]*)"/i.exec(input)?.[1];
      if (!name) continue;
      if (/type="hidden"/i.test(input)) hidden[name] = decode(/value="([^"]*)"/i.exec(input)?.[1] ?? '');
      else if (!/type="(submit|button|checkbox|radio)"/i.test(input)) fields.push(name);
    }
    return { action, hidden, fields };
  }
  throw new Error(
    `no POST form${actionIncludes ? ` with action containing ${actionIncludes}` : ''} in page:\n${html.slice(0, 2000)}`,
  );
}

function decode(value: string): string {
  return value
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}
