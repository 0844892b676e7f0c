import { render } from 'preact';
import { browser } from 'wxt/browser';
import { PopupApp } from '../../components/PopupApp';
import { runtimeBackgroundClient } from '../../lib/messaging/extension-client';
import '../../components/theme.css';
import '../../components/overview.css';

render(
  <PopupApp client={runtimeBackgroundClient} openOptions={() => void browser.runtime.openOptionsPage()} />,
  document.getElementById('app')!,
);
