import { RenewalView } from './RenewalView';
import { History } from './History';
import { TokenFilePicker } from './TokenFilePicker';
import { ApplePageNotice } from './ApplePageNotice';
import { SiteAccessNotice } from './SiteAccessNotice';

/**
 * Everything in the popup but the overview: imported after the first frame is painted (PopupApp), so that frame
 * loads only Preact, the overview and the stored snapshot. BatchView loads on its own, when a batch shows up.
 * One object, not re-exports: WXT auto-imports the components folder's exports, and would find these twice.
 */
export const popupLaterParts = { RenewalView, History, TokenFilePicker, ApplePageNotice, SiteAccessNotice };
