/**
 * The host pages' script. The pages work without it; with it, copy buttons copy, the zone is
 * suggested from the browser's, and hour ranges are added and removed in place.
 */
import { upgradeCopyButtons } from './copy-buttons.ts';

upgradeCopyButtons(document);
