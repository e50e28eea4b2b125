import { swapTo } from './swap.ts';

/**
 * The month table as an ARIA grid (the date picker pattern): one tab stop, arrow keys move by
 * day and week, Home/End to the week's ends, Page Up/Down by month, Enter or Space picks a day
 * with free times. Moving past the month's edge opens the next or previous month.
 */
export function upgradeCalendar(booker: HTMLElement): void {
  const table = booker.querySelector<HTMLTableElement>('table.month');
  if (!table) return;
  table.setAttribute('role', 'grid');
  for (const cell of table.querySelectorAll<HTMLTableCellElement>('td')) {
    cell.setAttribute('role', 'gridcell');
    if (!cell.dataset.date) continue;
    cell.tabIndex = -1;
    cell.querySelector('a')?.setAttribute('tabindex', '-1');
    cell.setAttribute('aria-selected', String(cell.classList.contains('selected')));
    if (!cell.classList.contains('open')) cell.setAttribute('aria-disabled', 'true');
  }
  const start =
    table.querySelector<HTMLElement>('td.selected') ??
    table.querySelector<HTMLElement>('td.open') ??
    table.querySelector<HTMLElement>('td.today') ??
    table.querySelector<HTMLElement>('td[data-date]');
  if (start) start.tabIndex = 0;
  table.addEventListener('keydown', (event) => onKey(table, event));
  table.addEventListener('focusin', (event) => {
    const cell = (event.target as HTMLElement).closest<HTMLElement>('td[data-date]');
    if (cell) rove(table, cell);
  });
}

/** The day cell of `date` ("2026-03-30"). */
export function dayCell(root: ParentNode, date: string): HTMLElement | null {
  return root.querySelector<HTMLElement>(`td[data-date="${date}"]`);
}

function rove(table: HTMLElement, to: HTMLElement): void {
  for (const cell of table.querySelectorAll<HTMLElement>('td[data-date]')) cell.tabIndex = cell === to ? 0 : -1;
}

function onKey(table: HTMLTableElement, event: KeyboardEvent): void {
  const cell = (event.target as HTMLElement).closest<HTMLTableCellElement>('td[data-date]');
  if (!cell || event.altKey || event.ctrlKey || event.metaKey) return;
  const date = cell.dataset.date!;
  const weekday = cell.cellIndex; // 0…6 from the week's first column
  let target: string | undefined;
  switch (event.key) {
    case 'ArrowRight':
      target = addDays(date, 1);
      break;
    case 'ArrowLeft':
      target = addDays(date, -1);
      break;
    case 'ArrowDown':
      target = addDays(date, 7);
      break;
    case 'ArrowUp':
      target = addDays(date, -7);
      break;
    case 'Home':
      target = addDays(date, -weekday);
      break;
    case 'End':
      target = addDays(date, 6 - weekday);
      break;
    case 'PageDown':
      target = addMonths(date, 1);
      break;
    case 'PageUp':
      target = addMonths(date, -1);
      break;
    case 'Enter':
    case ' ': {
      const link = cell.querySelector('a');
      if (link) {
        event.preventDefault();
        link.click();
      }
      return;
    }
    default:
      return;
  }
  event.preventDefault();
  const here = dayCell(table, target);
  if (here) {
    rove(table, here);
    here.focus();
    return;
  }
  const forward = target > date;
  const month = forward ? table.dataset.next : table.dataset.prev;
  const link = table
    .closest('.booker-calendar')
    ?.querySelector<HTMLAnchorElement>(`a.month-nav[rel="${forward ? 'next' : 'prev'}"]`);
  if (!month || !link) return;
  void swapTo(link.href, {
    history: 'push',
    focus: (booker) => dayCell(booker, target) ?? booker.querySelector<HTMLElement>('td[tabindex="0"]'),
  });
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The same day of another month, or its last day when shorter (31 March → 30 April). */
function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const last = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m - 1 + months, Math.min(d, last))).toISOString().slice(0, 10);
}
