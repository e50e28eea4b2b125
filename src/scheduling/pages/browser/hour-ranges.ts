/**
 * The weekly hours in place: a day's switch shows or hides its ranges (turning a day on with none
 * adds 09:00–17:00), "Add hours" adds a row after the last and "Remove" drops one — the same
 * rows the server renders, so the form posts exactly as it does without scripts.
 */
export function upgradeHourRanges(root: ParentNode): void {
  for (const day of root.querySelectorAll<HTMLElement>('.day-hours')) {
    const name = day.dataset.day!;
    const toggle = day.querySelector<HTMLInputElement>(`#${name}-on`)!;
    const ranges = day.querySelector<HTMLElement>('.ranges')!;
    const dayName = toggle.parentElement?.textContent?.trim() ?? name;
    const sync = () => {
      day.classList.toggle('off', !toggle.checked);
      const note = ranges.querySelector('.off-note');
      const empty = !ranges.querySelector('.range');
      if (note) note.textContent = toggle.checked && !empty ? '' : 'Unavailable';
    };
    toggle.addEventListener('change', () => {
      if (toggle.checked && !ranges.querySelector('.range')) addRange(ranges, name, dayName);
      sync();
    });
    ranges.addEventListener('click', (event) => {
      const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-edit]');
      if (!button) return;
      event.preventDefault();
      if (button.dataset.edit === 'add') {
        toggle.checked = true;
        addRange(ranges, name, dayName).querySelector('input')?.focus();
      } else {
        const row = button.closest('.range')!;
        const before = row.previousElementSibling?.querySelector<HTMLInputElement>('input[type="time"]:last-of-type');
        row.remove();
        (before ?? ranges.querySelector<HTMLElement>('button[data-edit="add"]'))?.focus();
      }
      sync();
    });
    sync();
  }
}

function addRange(ranges: HTMLElement, day: string, dayName: string): HTMLElement {
  const rows = [...ranges.querySelectorAll<HTMLElement>('.range')];
  const key = String(Math.max(-1, ...rows.map((r) => Number(r.dataset.key))) + 1);
  const lastEnd = rows.at(-1)?.querySelector<HTMLInputElement>('input[id$="-end"]')?.value;
  const [start, end] = lastEnd && lastEnd < '23:00' ? [lastEnd, later(lastEnd)] : ['09:00', '17:00'];
  const label = `${dayName}, hours ${rows.length + 1}`;
  const row = document.createElement('div');
  row.className = 'range';
  row.dataset.key = key;
  const id = `${day}-${key}`;
  row.append(
    hiddenLabel(`${id}-start`, `${label}, from`),
    timeInput(`${id}-start`, start),
    dash(),
    hiddenLabel(`${id}-end`, `${label}, until`),
    timeInput(`${id}-end`, end),
    removeButton(day, key, label),
  );
  ranges.querySelector('.off-note')!.before(row);
  return row;
}

function hiddenLabel(id: string, text: string): HTMLLabelElement {
  const label = document.createElement('label');
  label.htmlFor = id;
  label.className = 'visually-hidden';
  label.textContent = text;
  return label;
}

function timeInput(id: string, value: string): HTMLInputElement {
  const input = document.createElement('input');
  Object.assign(input, { type: 'time', id, name: id, value, step: '300' });
  return input;
}

function dash(): HTMLSpanElement {
  const span = document.createElement('span');
  span.setAttribute('aria-hidden', 'true');
  span.textContent = '–';
  return span;
}

function removeButton(day: string, key: string, label: string): HTMLButtonElement {
  const button = document.createElement('button');
  Object.assign(button, { type: 'submit', className: 'link', name: 'edit', value: `remove:${day}:${key}` });
  button.formNoValidate = true;
  button.dataset.edit = 'remove';
  const hidden = document.createElement('span');
  hidden.className = 'visually-hidden';
  hidden.textContent = ` ${label}`;
  button.append('Remove', hidden);
  return button;
}

/** An hour later, at most 23:59. */
function later(clock: string): string {
  const [h, m] = clock.split(':').map(Number) as [number, number];
  const total = Math.min(h * 60 + m + 60, 23 * 60 + 59);
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}
