/// <reference lib="dom" />
/**
 * The passkey parts of /signin and /account, in the browser (bundled by ../routes/passkey-script.ts,
 * served as /assets/passkeys.js). The pages work without it: the passkey blocks start `hidden`
 * and are shown only where the browser can use passkeys. Each ceremony asks the server for
 * options (a fresh single-use challenge), runs in the browser, and posts the answer in an
 * ordinary form, so the server answers with a redirect and pages just as the code flow does.
 */
import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  startAuthentication,
  startRegistration,
  WebAuthnError,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';

/** The server refused to start a ceremony; its message is written for the person. */
class OptionsRefused extends Error {}

const NOT_USED = 'No passkey was used. Try again, or continue with your email address or phone number.';
const UNAVAILABLE = 'Your browser couldn’t use a passkey here. Continue with your email address or phone number.';

if (browserSupportsWebAuthn()) {
  const signIn = document.querySelector<HTMLFormElement>('#passkey-signin-form');
  if (signIn) setUpSignIn(signIn);
  const add = document.querySelector<HTMLFormElement>('#passkey-add-form');
  if (add) setUpAdd(add);
}

/** "Sign in with a passkey", and the passkeys the browser offers in the identifier field's autofill. */
function setUpSignIn(form: HTMLFormElement): void {
  reveal(form);
  const message = messageFor(form);
  const run = async (autofill: boolean): Promise<void> => {
    try {
      const optionsJSON = await requestOptions<PublicKeyCredentialRequestOptionsJSON>('/signin/passkey/options', form);
      const answer = await startAuthentication({ optionsJSON, useBrowserAutofill: autofill });
      submitWith(form, answer);
    } catch (error) {
      // Autofill runs unasked: it ends silently (the button aborts it, a page without passkeys rejects it).
      if (autofill) return;
      show(message, describe(error, NOT_USED));
      void offerAutofill();
    }
  };
  const offerAutofill = async (): Promise<void> => {
    if (form.dataset.autofill !== undefined && (await browserSupportsWebAuthnAutofill())) await run(true);
  };
  form.querySelector('button')?.addEventListener('click', () => {
    message.hidden = true;
    void run(false);
  });
  void offerAutofill();
}

/** "Add a passkey" on /account. */
function setUpAdd(form: HTMLFormElement): void {
  reveal(form);
  document.querySelector<HTMLElement>('#passkey-unsupported')?.setAttribute('hidden', '');
  const message = messageFor(form);
  const button = form.querySelector<HTMLButtonElement>('button[type=submit]');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    message.hidden = true;
    if (button) button.disabled = true;
    void (async () => {
      try {
        const optionsJSON = await requestOptions<PublicKeyCredentialCreationOptionsJSON>(
          '/account/passkeys/options',
          form,
        );
        submitWith(form, await startRegistration({ optionsJSON }));
      } catch (error) {
        show(message, describe(error, 'No passkey was added.'));
        if (button) button.disabled = false;
      }
    })();
  });
}

/** Options for one ceremony; the CSRF token of the page's form goes along, as with every post. */
async function requestOptions<T>(url: string, form: HTMLFormElement): Promise<T> {
  const csrf = form.querySelector<HTMLInputElement>('input[name=csrf]')?.value ?? '';
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ csrf }),
    credentials: 'same-origin',
  });
  const body = (await response.json().catch(() => ({}))) as { options?: T; message?: string };
  if (!response.ok || !body.options) throw new OptionsRefused(body.message ?? UNAVAILABLE);
  return body.options;
}

function submitWith(form: HTMLFormElement, answer: unknown): void {
  const field = form.querySelector<HTMLInputElement>('input[name=credential]');
  if (!field) throw new Error('the passkey form has no credential field');
  field.value = JSON.stringify(answer);
  form.submit();
}

function describe(error: unknown, cancelled: string): string {
  if (error instanceof OptionsRefused) return error.message;
  if (error instanceof WebAuthnError) {
    if (error.code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED')
      return 'This device already has a passkey for your account.';
    if (error.code === 'ERROR_PASSTHROUGH_SEE_CAUSE_PROPERTY' || error.code === 'ERROR_CEREMONY_ABORTED')
      return cancelled;
  }
  if (error instanceof DOMException && (error.name === 'NotAllowedError' || error.name === 'AbortError'))
    return cancelled;
  return UNAVAILABLE;
}

/** Shows the block (`[data-passkeys]`) around a form, hidden for browsers without JavaScript or passkeys. */
function reveal(form: HTMLFormElement): void {
  const block = form.closest<HTMLElement>('[data-passkeys]') ?? form;
  block.hidden = false;
}

/** The page's `[data-passkey-message]` next to the form: a `role=alert` paragraph, hidden until needed. */
function messageFor(form: HTMLFormElement): HTMLElement {
  const block = form.closest<HTMLElement>('[data-passkeys]') ?? document.body;
  const found = block.querySelector<HTMLElement>('[data-passkey-message]');
  if (!found) throw new Error('the passkey block has no message element');
  return found;
}

function show(element: HTMLElement, text: string): void {
  element.textContent = text;
  element.hidden = false;
}
