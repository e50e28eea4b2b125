// Minimal typings for the two untyped bench-only dependencies, covering just what bench/ uses.
// (Neither autocannon 8 nor oidc-provider 8 ships .d.ts files; this avoids adding @types/* devDependencies.)

declare module 'autocannon' {
  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      setupRequest?: (req: Request, context: Record<string, unknown>) => Request | null | undefined;
      onResponse?: (
        status: number,
        body: string,
        context: Record<string, unknown>,
        headers: Record<string, unknown>,
      ) => void;
    }
    interface Client {
      setRequests(requests: Request[]): void;
    }
    interface Options {
      url: string;
      method?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      connections?: number;
      duration?: number;
      timeout?: number;
      requests?: Request[];
      setupClient?: (client: Client) => void;
    }
    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total: number;
      p50: number;
      p90: number;
      p99: number;
    }
    interface Result {
      requests: Histogram;
      latency: Histogram;
      throughput: Histogram;
      errors: number;
      timeouts: number;
      non2xx: number;
      duration: number;
    }
  }
  function autocannon(opts: autocannon.Options): Promise<autocannon.Result>;
  export = autocannon;
}

declare module 'oidc-provider' {
  // Deliberately loose: the provider's model classes are dynamic (created per Provider instance).
  type Model = new (props: Record<string, unknown>) => { save(): Promise<string> } & Record<string, any>;
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    callback(): (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;
    on(event: string, listener: (...args: any[]) => void): this;
    Grant: Model;
    AuthorizationCode: Model;
    RefreshToken: Model;
    AccessToken: Model;
    Client: { find(id: string): Promise<Record<string, any> | undefined> };
  }
}
