import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { checkApplePage } from '../lib/abm/page-check';

// Injected on demand (scripting.executeScript) into each frame of an Apple tab when the popup opens:
// can Token Relay read the token section here? Returns a value-free outline when it cannot.
export default defineUnlistedScript(() => checkApplePage(document, location.href));
