/**
 * The time zone field as an ARIA 1.2 combobox: typing filters every zone the browser knows by
 * city, region, name or offset ("new york", "paris", "+05:30"); each option shows the time there
 * now and its UTC offset. Choosing one calls `choose` (the widget then shows that zone).
 */
export function upgradeZonePicker(input: HTMLInputElement, cycle: 'h12' | 'h23', choose: (zone: string) => void): void {
  const listbox = document.createElement('ul');
  listbox.id = `${input.id}-listbox`;
  listbox.className = 'zone-options';
  listbox.setAttribute('role', 'listbox');
  listbox.setAttribute('aria-label', 'Time zones');
  listbox.hidden = true;
  (input.closest('.zone-row') ?? input).after(listbox);
  input.list?.remove();
  input.removeAttribute('list');
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', listbox.id);
  const original = input.value;
  let zones: ZoneOption[] | undefined;
  let shown: ZoneOption[] = [];
  let active = -1;

  const open = () => {
    zones ??= zoneOptions(cycle);
    const words = input.value.toLowerCase().replace(/_/g, ' ').split(/\s+/).filter(Boolean);
    const exact = words.join(' ') === original.toLowerCase().replace(/_/g, ' ');
    shown = (exact ? zones : zones.filter((z) => words.every((w) => z.search.includes(w)))).slice(0, 80);
    listbox.replaceChildren(
      ...shown.map((z, i) => {
        const li = document.createElement('li');
        li.id = `${input.id}-option-${i}`;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        li.dataset.zone = z.zone;
        const name = document.createElement('span');
        name.className = 'zone-name';
        name.textContent = z.label;
        const when = document.createElement('span');
        when.className = 'zone-now';
        when.textContent = `${z.now} · ${z.offset}`;
        li.append(name, ' ', when);
        return li;
      }),
    );
    if (!shown.length) {
      const none = document.createElement('li');
      none.className = 'zone-none';
      none.textContent = 'No time zone matches. Try a city, e.g. Paris.';
      listbox.replaceChildren(none);
    }
    listbox.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    activate(exact ? shown.findIndex((z) => z.zone === original) : shown.length ? 0 : -1);
  };
  const close = () => {
    listbox.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const activate = (index: number) => {
    listbox.querySelector('[aria-selected="true"]')?.setAttribute('aria-selected', 'false');
    active = index;
    const option = index >= 0 ? document.getElementById(`${input.id}-option-${index}`) : null;
    if (!option) return void input.removeAttribute('aria-activedescendant');
    option.setAttribute('aria-selected', 'true');
    input.setAttribute('aria-activedescendant', option.id);
    option.scrollIntoView({ block: 'nearest' });
  };
  const pick = (index: number) => {
    const zone = shown[index]?.zone;
    if (!zone) return;
    input.value = zone;
    close();
    choose(zone);
  };

  input.addEventListener('focus', () => input.select());
  input.addEventListener('input', open);
  input.addEventListener('blur', () => close());
  input.addEventListener('keydown', (event) => {
    const expanded = !listbox.hidden;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!expanded) return open();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      activate(Math.max(0, Math.min(shown.length - 1, active + step)));
    } else if (event.key === 'Enter' && expanded && active >= 0) {
      event.preventDefault();
      pick(active);
    } else if (event.key === 'Escape' && expanded) {
      event.preventDefault();
      close();
    } else if (event.key === 'Escape') {
      input.value = original;
    }
  });
  // mousedown, not click: the input's blur would close the list before a click lands.
  listbox.addEventListener('mousedown', (event) => {
    const option = (event.target as HTMLElement).closest<HTMLElement>('[role="option"]');
    if (!option) return;
    event.preventDefault();
    pick(Number(option.id.slice(`${input.id}-option-`.length)));
  });
}

interface ZoneOption {
  zone: string;
  label: string;
  now: string;
  offset: string;
  search: string;
  minutes: number;
}

function zoneOptions(cycle: 'h12' | 'h23'): ZoneOption[] {
  const now = Date.now();
  const names = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
  return names
    .map((zone) => {
      const offset = utcOffset(now, zone);
      const city = zone.slice(zone.lastIndexOf('/') + 1).replace(/_/g, ' ');
      const region = zone.includes('/') ? zone.slice(0, zone.indexOf('/')).replace(/_/g, ' ') : '';
      const time = new Intl.DateTimeFormat('en-US', {
        hour: cycle === 'h12' ? 'numeric' : '2-digit',
        minute: '2-digit',
        hourCycle: cycle,
        timeZone: zone,
      }).format(now);
      return {
        zone,
        label: region ? `${city} (${region})` : city,
        now: time,
        offset,
        search: `${zone.replace(/_/g, ' ')} ${offset} ${offset.replace(':00', '')}`.toLowerCase(),
        minutes: offsetMinutes(offset),
      };
    })
    .sort((a, b) => a.minutes - b.minutes || a.zone.localeCompare(b.zone));
}

function utcOffset(at: number, zone: string): string {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((part) => part.type === 'timeZoneName')?.value;
  return !name || name === 'GMT' ? 'UTC+00:00' : name.replace('GMT', 'UTC').replace('\u2212', '-');
}

function offsetMinutes(offset: string): number {
  const match = /^UTC([+-])(\d{2}):(\d{2})$/.exec(offset);
  return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
}
