import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const BIN = fileURLToPath(new URL('../../bin/consentry.js', import.meta.url));

export interface CliClient {
  client_id: string;
  client_secret: string;
}

/**
 * A confidential client allowed `client_credentials` for `read:bookings`, made as an operator
 * would: `consentry clients create --json` in its own process, against the database `env` names.
 */
export async function createClientWithCli(name: string, env: NodeJS.ProcessEnv): Promise<CliClient> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      BIN,
      'clients',
      'create',
      '--name',
      name,
      '--scope',
      'read:bookings',
      '--grant-type',
      'client_credentials',
      '--json',
    ],
    { env },
  );
  return JSON.parse(stdout) as CliClient;
}

/** POST /oauth/token with client_credentials for `read:bookings`, the client authenticating with Basic. */
export function clientCredentialsToken(url: string, client: CliClient): Promise<Response> {
  return fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials&scope=read%3Abookings',
  });
}
