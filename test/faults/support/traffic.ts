import type { ConsentryNode } from './consentry-node.ts';
import { countAnswer, type Tally } from './tally.ts';

export interface Answer {
  status: number;
  headers: Headers;
  // JSON answers: the checks read what they need from them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export interface Request {
  method?: string;
  form?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A request that did not finish within this is a hang (the nodes' own deadlines are shorter). */
const HANG_MS = 8000;

/**
 * Sends the load's requests, as a client behind a load balancer would, and counts every answer
 * in the tally. What no fault excuses is noted as unexpected: a 5xx other than 503 with
 * Retry-After, or a request left hanging. A connection refused or reset (a node just killed) is
 * counted as "no answer" and returned as undefined, for the caller to try elsewhere.
 */
export class Traffic {
  private turn = 0;
  /** Requests sent and not yet answered. */
  inFlight = 0;

  constructor(
    public tally: Tally,
    private readonly nodes: ConsentryNode[],
  ) {}

  /** The next node in turn, as a round-robin balancer picks (it may be down: callers retry). */
  pick(): ConsentryNode {
    return this.nodes[this.turn++ % this.nodes.length]!;
  }

  async send(node: ConsentryNode, path: string, request: Request = {}): Promise<Answer | undefined> {
    const headers: Record<string, string> = { ...request.headers };
    let body: string | undefined;
    if (request.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(request.form).toString();
    } else if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.body);
    }
    const method = request.method ?? (body === undefined ? 'GET' : 'POST');
    const started = Date.now();
    let response: Response;
    let text: string;
    this.inFlight++;
    try {
      response = await fetch(`${node.url}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: AbortSignal.timeout(HANG_MS),
      });
      text = await response.text();
    } catch (error) {
      countAnswer(this.tally, 'no answer');
      if ((error as Error).name === 'TimeoutError')
        this.tally.unexpected.push(`${method} ${path} at ${node.name} hung for ${Date.now() - started} ms`);
      return undefined;
    } finally {
      this.inFlight--;
    }
    countAnswer(this.tally, response.status);
    this.judge(node, method, path, response, text);
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = { text };
    }
    return { status: response.status, headers: response.headers, json };
  }

  /** Records an answer no fault excuses. */
  private judge(node: ConsentryNode, method: string, path: string, response: Response, text: string): void {
    if (response.status < 500) return;
    if (response.status === 503 && response.headers.get('retry-after')) return;
    this.tally.unexpected.push(
      `${method} ${path.split('?')[0]} at ${node.name}: ${response.status} ${text.slice(0, 200)}`,
    );
  }

  /** Counts and judges a request sent another way (the pages' agent, which keeps cookies). */
  count(node: ConsentryNode, path: string, response: Response | undefined): void {
    countAnswer(this.tally, response?.status ?? 'no answer');
    if (response) this.judge(node, 'GET', path, response, '');
  }
}
