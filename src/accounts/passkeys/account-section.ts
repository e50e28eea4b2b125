import { html } from '../../ui/html.ts';
import { internalsOf, type Accounts } from '../create-accounts.ts';
import type { AccountSection } from '../routes/route-deps.ts';
import { passkeysSection } from './pages/passkeys-section.ts';

/** The Passkeys block of /account; nothing where passkeys cannot work (an issuer on an IP address). */
export function passkeysAccountSection(accounts: Accounts): AccountSection {
  const { passkeys } = internalsOf(accounts);
  return async ({ user, request, csrfToken }) => {
    if (!passkeys) return html``;
    const notice = (request.query as Record<string, unknown> | undefined)?.passkey;
    return passkeysSection({
      user,
      passkeys: await passkeys.list.list(user.id),
      csrfToken,
      notice: typeof notice === 'string' ? notice : undefined,
    });
  };
}
