/** The booking pages' own stylesheet and script, served by asset-routes.ts. */
export const BOOKER_ASSETS = {
  styles: ['/scheduling/assets/scheduling.css'],
  scripts: ['/scheduling/assets/booking.js'],
} as const;

/** The host pages' stylesheet and script. */
export const HOST_ASSETS = {
  styles: ['/scheduling/assets/scheduling.css'],
  scripts: ['/scheduling/assets/host.js'],
} as const;
