import type { Location, LocationKind } from '../../event-types/event-type.ts';

const LABELS: Record<LocationKind, string> = {
  google_meet: 'Google Meet',
  zoom: 'Zoom',
  phone: 'Phone call',
  in_person: 'In person',
  link: 'Online meeting',
};

/** The kind of place in words ("Google Meet"). */
export function locationLabel(kind: LocationKind): string {
  return LABELS[kind] ?? kind;
}

/** The place in full, for the invitee once booked ("In person: Café de Flore"). */
export function locationText(location: Location): string {
  return location.value ? `${locationLabel(location.kind)}: ${location.value}` : locationLabel(location.kind);
}
