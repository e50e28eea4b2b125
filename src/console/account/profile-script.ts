import type { FastifyInstance } from 'fastify';
import { scriptBundle, sendScript } from '../../ui/script-bundle.ts';

const PROFILE_SCRIPT = scriptBundle(new URL('./browser/profile-page.ts', import.meta.url));

/** GET /assets/account-profile.js: the profile page's time-zone suggestion, first-party (CSP 'self'). */
export async function profileScriptRoute(app: FastifyInstance): Promise<void> {
  app.get('/assets/account-profile.js', { schema: { hide: true } }, async (request, reply) =>
    sendScript(request, reply, PROFILE_SCRIPT),
  );
}
