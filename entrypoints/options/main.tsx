import { render } from 'preact';
import { browser } from 'wxt/browser';
import { OptionsApp, type OptionsDeps } from '../../components/OptionsApp';
import { runtimeBackgroundClient } from '../../lib/messaging/extension-client';
import { loadSettings, saveSettings } from '../../lib/storage/settings';
import {
  listConnections,
  loadAddigySectionKey,
  newConnectionId,
  removeConnection,
  saveAddigySectionKey,
  saveConnection,
} from '../../lib/storage/connections';
import { signInToIntune } from '../../lib/mdm/intune-sign-in-page';
import { isRequestableOrigin } from '../../lib/permissions/server-address';
import '../../components/theme.css';
import { t } from '../../lib/i18n/messages';

const connectionsChanged = () => void runtimeBackgroundClient.send({ type: 'connections:changed' }).catch(() => undefined);

const deps: OptionsDeps = {
  // The Addigy section edits the connection `addigy`: its key here, its address through saveSettings.
  loadApiKey: loadAddigySectionKey,
  // The in-page button's label may change with it.
  saveApiKey: async (key) => {
    await saveAddigySectionKey(key);
    connectionsChanged();
  },
  loadSettings,
  saveSettings,
  // Last check before the prompt: one plain `https://<host>[:port]/*`, never a wildcard (lib/permissions/server-address.ts).
  requestHostPermission: async (origin) => isRequestableOrigin(origin) && browser.permissions.request({ origins: [origin] }),
  testConnection: () => runtimeBackgroundClient.send({ type: 'settings:test-connection' }),
  connections: {
    listConnections,
    saveConnection,
    removeConnection,
    newConnectionId,
    // Already granted sites and permissions resolve at once, without a prompt. An API already present (Firefox
    // declares `identity` up front: it has no optional one) is not asked for, synchronously, inside the click.
    requestAccess: async ({ origins, permissions = [] }) =>
      origins.every(isRequestableOrigin) &&
      browser.permissions.request({
        origins,
        permissions: permissions.filter((p) => !(p === 'identity' && typeof browser.identity?.launchWebAuthFlow === 'function')) as never,
      }),
    signInWithMicrosoft: signInToIntune,
    testConnection: (connectionId) => runtimeBackgroundClient.send({ type: 'settings:test-connection', connectionId }),
    microsoftRedirectUrl: () => browser.identity?.getRedirectURL?.() ?? `https://${browser.runtime.id}.chromiumapp.org/`,
    onChanged: connectionsChanged,
  },
};

// The tab's title in the browser's language too (index.html's is the English one).
document.title = t('optionsHeading');
render(<OptionsApp deps={deps} />, document.getElementById('app')!);
