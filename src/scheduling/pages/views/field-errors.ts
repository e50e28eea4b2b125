/** The pages' field errors live in the shared UI kit (the Connect widget marks its fields the same way). */
export { errorSummary, fieldAttributes, fieldError, type FieldErrors } from '../../../ui/field-errors.ts';
