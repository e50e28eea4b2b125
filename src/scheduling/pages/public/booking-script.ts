import type { FastifyInstance } from 'fastify';

// Opens the booking page in the invitee's own time zone the first time (no tz in the address yet).
const SCRIPT = `(function () {
  var url = new URL(window.location.href);
  if (url.searchParams.has('tz')) return;
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) { url.searchParams.set('tz', zone); window.location.replace(url.toString()); }
  } catch (e) { /* keep UTC */ }
})();
`;

/** GET /scheduling/assets/booking.js: the booking page's only script, first-party (CSP script-src 'self'). */
export async function bookingScriptRoute(app: FastifyInstance): Promise<void> {
  app.get('/scheduling/assets/booking.js', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(SCRIPT),
  );
}
