import { createRequire } from 'node:module';
import type nodemailer from 'nodemailer';

const require = createRequire(import.meta.url);

/** nodemailer, loaded when mail is first configured: without SMTP_URL it would only take memory. */
export function loadNodemailer(): typeof nodemailer {
  return require('nodemailer') as typeof nodemailer;
}
