/** "Try it out" (/try): a small built-in third-party app that walks a newcomer through the flow. */
export { tryRoutes } from './routes.ts';
export { tryAppEnabled } from './try-enabled.ts';
export { TRY_CLIENT_ID } from './try-client.ts';
