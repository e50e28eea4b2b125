import { startSmtpCapture } from './smtp.ts';
import { startTestServer, type TestServer, type TestServerOptions } from './server.ts';

export type SmtpCapture = Awaited<ReturnType<typeof startSmtpCapture>>;

/** A test server whose one-time codes go to a real local SMTP server the test can read. */
export async function startServerWithMail(
  options: TestServerOptions = {},
): Promise<{ server: TestServer; smtp: SmtpCapture; close(): Promise<void> }> {
  const smtp = await startSmtpCapture();
  const server = await startTestServer({
    ...options,
    env: { SMTP_URL: smtp.url, OTP_RESEND_SECONDS: '0', ...options.env },
  });
  return {
    server,
    smtp,
    close: async () => {
      await server.close();
      await smtp.close();
    },
  };
}
