import { render } from 'preact';
import { browser } from 'wxt/browser';
import { OptionsApp, type OptionsDeps } from '../../components/OptionsApp';
import { runtimeBackgroundClient } from '../../lib/messaging/extension-client';
import { loadApiKey, saveApiKey } from '../../lib/storage/api-key';
import { loadSettings, saveSettings } from '../../lib/storage/settings';
import { listConnections, newConnectionId, removeConnection, saveConnection } from '../../lib/storage/connections';
import { signInToIntune } from '../../lib/mdm/intune-sign-in-page';
import '../../components/theme.css';

const deps: OptionsDeps = {
  loadApiKey,
  saveApiKey,
  loadSettings,
  saveSettings,
  requestHostPermission: (origin) => browser.permissions.request({ origins: [origin] }),
  testConnection: () => runtimeBackgroundClient.send({ type: 'settings:test-connection' }),
  connections: {
    listConnections,
    saveConnection,
    removeConnection,
    newConnectionId,
    // Already granted sites and permissions resolve at once, without a prompt.
    requestAccess: ({ origins, permissions }) => browser.permissions.request({ origins, permissions: permissions as never }),
    signInWithMicrosoft: signInToIntune,
    testConnection: (connectionId) => runtimeBackgroundClient.send({ type: 'settings:test-connection', connectionId }),
    microsoftRedirectUrl: () => browser.identity?.getRedirectURL?.() ?? `https://${browser.runtime.id}.chromiumapp.org/`,
    onChanged: () => void runtimeBackgroundClient.send({ type: 'connections:changed' }).catch(() => undefined),
  },
};

render(<OptionsApp deps={deps} />, document.getElementById('app')!);
