/** One field problem in a 400 answer: where (JSON path segments) and what. */
export interface ErrorDetail {
  path: Array<string | number>;
  message: string;
}

/**
 * A scheduling failure carrying its wire status and the API's error body
 * `{title, message, details?}`. Services throw these; one handler per surface renders them.
 */
export class SchedulingError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 429,
    readonly title: string,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.name = 'SchedulingError';
  }
}

export const invalid = (message: string, details?: ErrorDetail[]) =>
  new SchedulingError(400, 'Bad Request', message, details);
export const notFound = (what: string) =>
  new SchedulingError(404, 'Not Found', `${what} does not exist or is not yours.`);
export const conflict = (message: string, details?: ErrorDetail[]) =>
  new SchedulingError(409, 'Conflict', message, details);

/** Gathers field problems so a whole input is reported at once. */
export class Problems {
  readonly details: ErrorDetail[] = [];

  add(path: Array<string | number>, message: string): void {
    this.details.push({ path, message });
  }

  throwIfAny(message = 'The request is not valid.'): void {
    if (this.details.length > 0) throw invalid(message, this.details);
  }
}
