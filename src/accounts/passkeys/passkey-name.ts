import { InvalidPasskeyName } from '../errors.ts';
import { PASSKEY_NAME_MAX } from './passkey.ts';

/**
 * A passkey's name as stored: spaces collapsed, control characters refused.
 * @throws InvalidPasskeyName when empty or longer than PASSKEY_NAME_MAX
 */
export function normalizePasskeyName(value: string): string {
  const name = value.replace(/\s+/g, ' ').trim();
  // eslint-disable-next-line no-control-regex
  if (name.length === 0 || [...name].length > PASSKEY_NAME_MAX || /[\u0000-\u001f\u007f]/.test(name))
    throw new InvalidPasskeyName(PASSKEY_NAME_MAX);
  return name;
}
