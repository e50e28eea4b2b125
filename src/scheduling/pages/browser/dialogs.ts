/**
 * Links that open a step page (e.g. "Cancel the meeting") open the same form in a modal dialog
 * instead; the dialog's "keep" link closes it. Focus goes to the dialog's first field and back
 * to the link on close (the browser restores it).
 */
export function upgradeDialogLinks(root: ParentNode): void {
  for (const link of root.querySelectorAll<HTMLAnchorElement>('a[data-dialog]')) {
    const dialog = document.getElementById(link.dataset.dialog!);
    if (!(dialog instanceof HTMLDialogElement) || typeof dialog.showModal !== 'function') continue;
    link.addEventListener('click', (event) => {
      event.preventDefault();
      dialog.showModal();
      dialog.querySelector<HTMLElement>('textarea, input:not([type="hidden"]), button')?.focus();
    });
    for (const close of dialog.querySelectorAll<HTMLElement>('[data-close]'))
      close.addEventListener('click', (event) => {
        event.preventDefault();
        dialog.close();
      });
  }
}
