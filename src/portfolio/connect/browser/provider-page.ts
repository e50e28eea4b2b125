/**
 * A provider page's script. The forms work without it (the server marks a refused field, keeps
 * what was typed and puts focus there with autofocus); with it, focus is moved there as well
 * (browsers skip autofocus on a page restored from history), and the wallet form names the
 * network of the address as it is typed, choosing it when the chosen one cannot take it.
 */
import { addressShape, KIND_OF_SHAPE, SECRET_WARNING, SHAPE_WORDS } from './address-shape.ts';

function focusFirstProblem(): void {
  const invalid = document.querySelector<HTMLElement>('[aria-invalid="true"]');
  if (invalid && document.activeElement !== invalid) invalid.focus();
}

function upgradeWalletForm(address: HTMLInputElement, network: HTMLSelectElement, said: HTMLElement): void {
  // The network this script chose, while the address still fits it (the line keeps saying why).
  let chosen: string | undefined;
  network.addEventListener('change', () => (chosen = undefined));
  const update = () => {
    const shape = addressShape(address.value);
    said.classList.toggle('warn', shape === 'secret');
    if (!shape) return void (said.textContent = '');
    if (shape === 'secret') return void (said.textContent = SECRET_WARNING);
    const kind = KIND_OF_SHAPE[shape];
    const fits = [...network.options].filter((option) => option.dataset.kind === kind);
    const first = fits[0];
    const looks = `Looks like ${SHAPE_WORDS[shape]}`;
    if (!first) return void (said.textContent = `This looks like ${SHAPE_WORDS[shape]}, which can’t be linked here.`);
    const selected = network.selectedOptions[0];
    if (selected?.dataset.kind === kind)
      return void (said.textContent =
        chosen === selected.value ? `${looks}, so the network is now ${selected.text}.` : `${looks}.`);
    if (!selected?.dataset.kind) return void (said.textContent = `${looks}: it will be linked on ${first.text}.`);
    network.value = chosen = first.value;
    said.textContent = `${looks}, so the network is now ${first.text}.`;
  };
  address.addEventListener('input', update);
  update();
}

focusFirstProblem();
window.addEventListener('pageshow', (event) => {
  if (event.persisted) focusFirstProblem();
});
const address = document.getElementById('wallet-address');
const network = document.getElementById('wallet-network');
const said = document.getElementById('wallet-detected');
if (address instanceof HTMLInputElement && network instanceof HTMLSelectElement && said)
  upgradeWalletForm(address, network, said);
