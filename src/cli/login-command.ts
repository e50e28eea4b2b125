import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { deviceLogin, DeviceLoginFailed, type DeviceInstructions } from './device-login.ts';

const LOGIN_USAGE = `consentry login --issuer URL --client-id ID [--scope "a b"] [--resource URI]
                 [--client-secret S] [--output FILE]`;

/**
 * `consentry login`: signs in to an issuer with the device flow, as an agent or a CLI would.
 * The instructions for the person go to stderr; the token response goes to stdout as JSON (or
 * to --output, readable by the owner only), so `consentry login … > tokens.json` just works.
 * Needs no server configuration: it is a client of any issuer.
 */
export async function runLoginCommand(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        issuer: { type: 'string' },
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        scope: { type: 'string' },
        resource: { type: 'string', multiple: true },
        output: { type: 'string' },
      },
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\nUsage: ${LOGIN_USAGE}`);
    return 2;
  }
  if (!values.issuer || !values['client-id']) {
    console.error(`login needs --issuer and --client-id\n\nUsage: ${LOGIN_USAGE}`);
    return 2;
  }
  try {
    const tokens = await deviceLogin({
      issuer: values.issuer,
      clientId: values['client-id'],
      clientSecret: values['client-secret'],
      scope: values.scope,
      resources: values.resource ?? [],
      prompt: showInstructions,
    });
    const json = JSON.stringify(tokens, null, 2);
    if (values.output) {
      writeFileSync(values.output, json + '\n', { mode: 0o600 });
      console.error(`Signed in. Tokens written to ${values.output}.`);
    } else {
      console.error('Signed in.');
      console.log(json);
    }
    return 0;
  } catch (error) {
    if (error instanceof DeviceLoginFailed) {
      console.error(error.reason === 'access_denied' ? 'The request was denied.' : `Sign-in failed: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function showInstructions({ verificationUri, verificationUriComplete, userCode, expiresIn }: DeviceInstructions): void {
  const minutes = Math.max(1, Math.round(expiresIn / 60));
  const lines = [
    `To sign in, open ${verificationUri}`,
    `and enter the code ${userCode}`,
    ...(verificationUriComplete ? ['', `(or open ${verificationUriComplete})`] : []),
    '',
    `The code works for ${minutes} minute${minutes === 1 ? '' : 's'}. Waiting for you to approve…`,
  ];
  console.error(lines.join('\n'));
}
