/** The person's own settings on /account: profile and sessions (connected apps come from oauth). */
export { profileSection } from './profile-section.ts';
export { sessionsSection } from './sessions-section.ts';
export { accountRoutes } from './routes.ts';
