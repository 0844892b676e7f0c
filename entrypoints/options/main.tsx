import { render } from 'preact';
import { browser } from 'wxt/browser';
import { OptionsApp, type OptionsDeps } from '../../components/OptionsApp';
import { runtimeBackgroundClient } from '../../lib/messaging/extension-client';
import { loadApiKey, saveApiKey } from '../../lib/storage/api-key';
import { loadSettings, saveSettings } from '../../lib/storage/settings';
import '../../components/theme.css';

const deps: OptionsDeps = {
  loadApiKey,
  saveApiKey,
  loadSettings,
  saveSettings,
  requestHostPermission: (origin) => browser.permissions.request({ origins: [origin] }),
  testConnection: () => runtimeBackgroundClient.send({ type: 'settings:test-connection' }),
};

render(<OptionsApp deps={deps} />, document.getElementById('app')!);
