/**
 * `<button data-copy="…" data-status="id" hidden>` next to a link: shown when the clipboard can be
 * written, it copies the value and says so in its status line (the link stays for copying by hand).
 */
export function upgradeCopyButtons(root: ParentNode): void {
  if (!navigator.clipboard) return;
  for (const button of root.querySelectorAll<HTMLButtonElement>('button[data-copy]')) {
    const said = document.getElementById(button.dataset.status ?? '');
    button.hidden = false;
    button.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(button.dataset.copy!);
        if (said) said.textContent = 'Copied';
      } catch {
        if (said) said.textContent = 'Could not copy: select the link and copy it yourself.';
      }
    });
  }
}
