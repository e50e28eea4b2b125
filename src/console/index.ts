/**
 * The console: the person's own settings (/account profile and sessions), the developer console
 * (/developers), client logos and the /try demo app. Other features use only this file.
 */
export { consoleRoutes } from './routes.ts';
export { profileSection, sessionsSection } from './account/index.ts';
export type { WebDeps as ConsoleDeps } from './web-deps.ts';
export { tryAppEnabled } from './try/index.ts';
