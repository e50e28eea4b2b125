import type { ErrorDetail, SchedulingError } from '../../errors.ts';
import type { FieldErrors } from '../views/field-errors.ts';

/**
 * A service refusal as field errors of a page: each detail goes to the field its path names
 * (`fields` maps the path's names, joined by dots, or its first segment to a field id), in words — the API's messages open
 * with the field's key ("bufferBeforeMin must be …"), which a person filling a form does not
 * need to see. Details of no field, and the whole message, go to the form's summary.
 */
export function fieldErrorsFrom(error: SchedulingError, fields: Record<string, string>): FieldErrors {
  const errors: FieldErrors = {};
  for (const detail of error.details ?? []) {
    const named = detail.path.filter((segment) => typeof segment === 'string').join('.');
    const id = fields[named] ?? fields[String(detail.path[0])];
    if (id && !errors[id]) errors[id] = inWords(detail);
  }
  if (!Object.keys(errors).length || error.status === 409) return { form: error.message, ...errors };
  return errors;
}

/** "bufferBeforeMin must be a whole number from 0 to 720" → "Must be a whole number from 0 to 720." */
export function inWords(detail: ErrorDetail): string {
  const key = [...detail.path].reverse().find((segment) => typeof segment === 'string');
  let text = detail.message.trim();
  if (key && text.startsWith(`${key} `)) text = text.slice(key.length + 1);
  text = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
