import { OTP_TTL_MS } from '../otp/otp-policy.ts';

const MINUTES = OTP_TTL_MS / 60_000;

export function emailSubject(code: string): string {
  return `Your Consentry code: ${code}`;
}

/** Plain ASCII text, so it travels unencoded and reads the same in every mail client. */
export function emailText(code: string, issuer: string): string {
  return [
    `Your Consentry sign-in code is ${code}`,
    '',
    `It expires in ${MINUTES} minutes. Enter it on the page where you asked for it (${issuer}).`,
    '',
    "If you didn't ask for this code, you can ignore this email: nobody can sign in without it.",
  ].join('\n');
}

/**
 * The last line is the origin-bound one-time code format (WICG sms-one-time-codes), which lets
 * phones offer the code for autofill on this site only.
 */
export function smsBody(code: string, issuer: string): string {
  return `Your Consentry code is ${code}. It expires in ${MINUTES} minutes.\n\n@${new URL(issuer).hostname} #${code}`;
}
