import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { InvalidClientMetadata } from '../oauth/index.ts';
import { withContext } from './with-context.ts';

const words = (value: string | undefined) => (value === undefined ? undefined : value.split(/[\s,]+/).filter(Boolean));
const seconds = (value: string | undefined) => (value === undefined ? undefined : Number.parseInt(value, 10));

export async function runClientsCommand(config: Config, args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      public: { type: 'boolean', default: false },
      scope: { type: 'string' },
      'default-scope': { type: 'string' },
      'allow-plain-pkce': { type: 'boolean', default: false },
      'access-ttl': { type: 'string' },
      'refresh-ttl': { type: 'string' },
      'grant-type': { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      verified: { type: 'boolean', default: true },
      unverified: { type: 'boolean', default: false },
    },
  });
  return withContext(config, async (ctx) => {
    switch (action) {
      case 'create': {
        if (!values.name) {
          console.error('clients create needs --name');
          return 2;
        }
        try {
          const { client, secret } = await ctx.oauth.clientService.create({
            name: values.name,
            type: values.public ? 'public' : 'confidential',
            redirectUris: values['redirect-uri'] ?? [],
            allowedScopes: words(values.scope),
            defaultScopes: words(values['default-scope']),
            allowPlainPkce: values['allow-plain-pkce'],
            accessTokenTtl: seconds(values['access-ttl']) ?? null,
            refreshTokenTtl: seconds(values['refresh-ttl']) ?? null,
            // Default: the code flow with refresh (and client credentials for a confidential client).
            ...(values['grant-type'] ? { grantTypes: values['grant-type'] } : {}),
            registeredVia: 'cli',
            // The operator creates it: verified unless --unverified (as a self-service app would be).
            verified: values.verified && !values.unverified,
          });
          const out = {
            client_id: client.id,
            client_secret: secret,
            type: client.type,
            redirect_uris: client.redirectUris,
            grant_types: client.grantTypes,
            scope: client.allowedScopes.join(' '),
            default_scope: client.defaultScopes.join(' '),
            verified: client.verified,
          };
          console.log(
            values.json
              ? JSON.stringify(out)
              : formatLines(out, secret ? 'The secret is shown once: store it now.' : undefined),
          );
          return 0;
        } catch (error) {
          if (error instanceof InvalidClientMetadata) {
            console.error(`Invalid ${error.field}: ${error.message}`);
            return 2;
          }
          throw error;
        }
      }
      case 'list': {
        const clients = await ctx.oauth.clients.list();
        const rows = clients.map((c) => ({
          client_id: c.id,
          name: c.name,
          type: c.type,
          verified: c.verified,
          redirect_uris: c.redirectUris,
        }));
        console.log(
          values.json
            ? JSON.stringify(rows)
            : rows
                .map((r) => `${r.client_id}  ${r.type.padEnd(12)}  ${r.name}  ${r.redirect_uris.join(' ')}`)
                .join('\n') || 'No clients.',
        );
        return 0;
      }
      case 'verify':
      case 'unverify': {
        const id = positionals[0];
        if (!id) {
          console.error(`clients ${action} needs a client id`);
          return 2;
        }
        const changed = await ctx.oauth.clientService.setVerified(id, action === 'verify');
        console.log(changed ? `${id} is now ${action === 'verify' ? 'verified' : 'unverified'}.` : `No client ${id}.`);
        return changed ? 0 : 1;
      }
      case 'delete': {
        const id = positionals[0];
        if (!id) {
          console.error('clients delete needs a client id');
          return 2;
        }
        const deleted = await ctx.oauth.deleteClient(id);
        console.log(deleted ? `Deleted ${id} and everything issued to it.` : `No client ${id}.`);
        return deleted ? 0 : 1;
      }
      default:
        console.error('clients: use create, list, verify, unverify or delete');
        return 2;
    }
  });
}

function formatLines(values: Record<string, unknown>, footer?: string): string {
  const lines = Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k.padEnd(14)} ${Array.isArray(v) ? v.join(' ') : String(v)}`);
  return [...lines, ...(footer ? ['', footer] : [])].join('\n');
}
