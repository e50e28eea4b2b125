/**
 * The host pages' script. The pages work without it; with it, copy buttons copy, time zone
 * fields become searchable lists (set-up suggests the browser's zone), and hour ranges are
 * added and removed in place.
 */
import { browserZone } from './browser-zone.ts';
import { upgradeCopyButtons } from './copy-buttons.ts';
import { upgradeHourRanges } from './hour-ranges.ts';
import { upgradeZonePicker } from './zone-combobox.ts';

function suggestBrowserZone(input: HTMLInputElement): void {
  const zone = browserZone();
  if (!zone || zone === input.value) return;
  input.value = zone;
  const hint = document.getElementById(`${input.id}-hint`);
  if (hint) hint.textContent = `Suggested from your browser: ${zone}. ${hint.textContent ?? ''}`;
}

upgradeCopyButtons(document);
upgradeHourRanges(document);
for (const input of document.querySelectorAll<HTMLInputElement>('input[data-zone-input]')) {
  if (input.dataset.suggest === 'browser') suggestBrowserZone(input);
  // 12-hour when the page's own time fields read that way (the browser's locale decides them).
  const cycle = new Intl.DateTimeFormat(undefined, { hour: 'numeric' }).resolvedOptions().hourCycle;
  upgradeZonePicker(input, cycle === 'h11' || cycle === 'h12' ? 'h12' : 'h23', () => undefined);
}
