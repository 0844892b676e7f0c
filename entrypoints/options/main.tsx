import { render } from 'preact';
import { browser } from 'wxt/browser';
import { OptionsApp, type OptionsDeps } from '../../components/OptionsApp';
import { runtimeBackgroundClient } from '../../lib/messaging/extension-client';
import { loadApiKey, saveApiKey } from '../../lib/storage/api-key';
import { loadSettings, saveSettings } from '../../lib/storage/settings';
import { listConnections, newConnectionId, removeConnection, saveConnection } from '../../lib/storage/connections';
import { signInToIntune } from '../../lib/mdm/intune-sign-in-page';
import { isRequestableOrigin } from '../../lib/permissions/server-address';
import '../../components/theme.css';

const connectionsChanged = () => void runtimeBackgroundClient.send({ type: 'connections:changed' }).catch(() => undefined);

const deps: OptionsDeps = {
  loadApiKey,
  // The Addigy section's key is a connection too: the in-page button's label may change with it.
  saveApiKey: async (key) => {
    await saveApiKey(key);
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

render(<OptionsApp deps={deps} />, document.getElementById('app')!);
