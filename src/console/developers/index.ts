/** The developer console (/developers): a person's apps and personal access tokens. */
export { developerRoutes } from './routes.ts';
