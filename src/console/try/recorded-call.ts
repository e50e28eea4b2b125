import type { FastifyInstance } from 'fastify';
import { mask, maskJson, maskParams } from './mask.ts';

/** One HTTP exchange of the demo app, as it would travel, with credentials masked for display. */
export interface RecordedCall {
  request: string;
  status: number;
  response: string;
  json: Record<string, unknown> | undefined;
}

export interface CallOptions {
  method: 'GET' | 'POST';
  path: string;
  form?: URLSearchParams;
  bearer?: string;
}

const SHOWN_HEADERS = ['content-type', 'cache-control', 'www-authenticate', 'pragma'];

/**
 * Calls one of this server's endpoints the way a separate app would, but in-process
 * (`inject`): the same routing, hooks and handlers as over the network, without depending on
 * the server reaching its own public ISSUER URL (behind a load balancer it often cannot).
 */
export async function recordCall(root: FastifyInstance, issuer: string, options: CallOptions): Promise<RecordedCall> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.form) headers['content-type'] = 'application/x-www-form-urlencoded';
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  const response = await root.inject({
    method: options.method,
    url: options.path,
    headers,
    ...(options.form ? { payload: options.form.toString() } : {}),
  });

  const host = new URL(issuer).host;
  const requestLines = [
    `${options.method} ${options.path} HTTP/1.1`,
    `Host: ${host}`,
    ...Object.entries(headers).map(
      ([name, value]) => `${capitalize(name)}: ${name === 'authorization' ? `Bearer ${mask(options.bearer!)}` : value}`,
    ),
  ];
  const requestText = requestLines.join('\n') + (options.form ? `\n\n${maskParams(options.form, '\n&')}` : '');

  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(response.body) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  const responseHeaders = SHOWN_HEADERS.filter((name) => response.headers[name] !== undefined).map(
    (name) => `${name}: ${String(response.headers[name])}`,
  );
  const body = json ? JSON.stringify(maskJson(json), null, 2) : response.body.slice(0, 2000);
  return {
    request: requestText,
    status: response.statusCode,
    response:
      [`HTTP/1.1 ${response.statusCode} ${response.statusMessage}`, ...responseHeaders].join('\n') +
      (body ? `\n\n${body}` : ''),
    json,
  };
}

function capitalize(header: string): string {
  return header.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}
