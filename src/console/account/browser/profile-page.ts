/**
 * The profile page's time zone, suggested from the browser (bundled by ../profile-script.ts,
 * served as /assets/account-profile.js). The page works without it. With no zone saved yet, the
 * browser's zone is picked in the list and the hint says so (saving keeps it); with another zone
 * saved, a button offers the browser's instead. It never saves by itself.
 */

function browserZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

function suggestZone(): void {
  const select = document.querySelector<HTMLSelectElement>('select#time_zone');
  const hint = document.querySelector<HTMLElement>('#tz-suggestion');
  const zone = browserZone();
  if (!select || !hint || !zone || select.value === zone) return;
  if (![...select.options].some((option) => option.value === zone)) return;
  if (select.value === '' && select.getAttribute('aria-invalid') !== 'true') {
    select.value = zone;
    hint.textContent = `Suggested from this browser: ${zone}. Save to keep it.`;
    hint.hidden = false;
    return;
  }
  const use = document.createElement('button');
  use.type = 'button';
  use.className = 'link';
  use.textContent = `Use ${zone}`;
  use.addEventListener('click', () => {
    select.value = zone;
    hint.textContent = `${zone} is picked. Save to keep it.`;
    select.focus();
  });
  hint.textContent = `This browser is set to ${zone}. `;
  hint.append(use);
  hint.hidden = false;
}

suggestZone();
