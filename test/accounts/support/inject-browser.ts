import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { findForm } from '../../helpers/browser.ts';

export interface SetCookie {
  name: string;
  value: string;
  path?: string;
  maxAge?: number;
  expires?: Date;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: string;
}

/**
 * A browser over `app.inject`: keeps cookies between requests like a real one, never follows
 * redirects (tests assert every 303), and submits the forms it finds in pages.
 */
export class InjectBrowser {
  readonly cookies = new Map<string, string>();

  constructor(
    private readonly app: FastifyInstance,
    private readonly userAgent = 'vitest-browser/1.0',
  ) {}

  get(url: string): Promise<LightMyRequestResponse> {
    return this.send({ method: 'GET', url });
  }

  post(url: string, form: Record<string, string>): Promise<LightMyRequestResponse> {
    return this.send({
      method: 'POST',
      url,
      payload: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  /** POSTs a JSON body, as a page script's fetch does. */
  postJson(url: string, body: unknown): Promise<LightMyRequestResponse> {
    return this.send({
      method: 'POST',
      url,
      payload: JSON.stringify(body),
      headers: { 'content-type': 'application/json', accept: 'application/json' },
    });
  }

  /** Submits the page's POST form whose action contains `action`, keeping its hidden fields. */
  submit(html: string, action: string, fields: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const form = findForm(html, action);
    return this.post(form.action, { ...form.hidden, ...fields });
  }

  /** The Set-Cookie of `name` in a response, parsed. */
  static setCookie(response: LightMyRequestResponse, name: string): SetCookie | undefined {
    return (response.cookies as SetCookie[]).find((c) => c.name === name);
  }

  private async send(options: {
    method: 'GET' | 'POST';
    url: string;
    payload?: string;
    headers?: Record<string, string>;
  }): Promise<LightMyRequestResponse> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await this.app.inject({
      ...options,
      headers: { ...options.headers, 'user-agent': this.userAgent, ...(cookie ? { cookie } : {}) },
    });
    for (const set of response.cookies as SetCookie[]) {
      const expired =
        set.value === '' || set.maxAge === 0 || (set.expires !== undefined && set.expires.getTime() <= Date.now());
      if (expired) this.cookies.delete(set.name);
      else this.cookies.set(set.name, set.value);
    }
    return response;
  }
}

/** The value of the hidden `csrf` field in a page. */
export function csrfTokenIn(html: string): string {
  const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no CSRF field in page');
  return token;
}
