import { html } from '../../../../ui/html.ts';
import type { EventType } from '../../../event-types/event-type.ts';
import type { Schedule } from '../../../schedules/schedule.ts';
import type { HostContext } from '../../host/host-context.ts';
import { csrfField } from '../errors-view.ts';
import { eventTypeFields, type EventTypeFormValues } from '../event-type-form-view.ts';
import { errorSummary, type FieldErrors } from '../field-errors.ts';
import { hostPage } from './host-shell.ts';

export interface EventTypeFormPage {
  c: HostContext;
  values: EventTypeFormValues;
  errors: FieldErrors;
  schedules: Schedule[];
  /** The event type being edited; none for a new one. */
  editing?: EventType | undefined;
  pagePrefix: string;
}

/** A new event type, or an existing one to edit: one task on its own page. */
export function eventTypeFormPage(v: EventTypeFormPage): string {
  const title = v.editing ? `Edit ${v.editing.name}` : 'New event type';
  return hostPage({
    user: v.c.user,
    title,
    tab: 'event-types',
    body: html`<p class="crumbs"><a href="/scheduling">Event types</a></p>
<h1>${title}</h1>
${errorSummary(v.errors, 'Please check the fields marked below.')}
<form method="post" action="${v.editing ? `/scheduling/event-types/${v.editing.id}` : '/scheduling/event-types'}" novalidate>${csrfField(v.c.csrfToken)}
${eventTypeFields(v.values, v.schedules, v.errors, v.pagePrefix, !v.editing)}
<div class="actions"><button type="submit">${v.editing ? 'Save' : 'Create event type'}</button><a class="button secondary" href="/scheduling">Cancel</a></div>
</form>`,
  });
}
