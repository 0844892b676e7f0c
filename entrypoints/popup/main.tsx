import { render } from 'preact';
import { browser } from 'wxt/browser';
import { PopupApp } from '../../components/PopupApp';
import { readStoredSnapshot, runtimeBackgroundClient } from '../../lib/messaging/extension-client';
import '../../components/theme.css';
import '../../components/overview.css';

// The first render waits for the stored overview (its read started before these modules loaded), so the
// first frame the admin sees is the list, not "Loading…".
void readStoredSnapshot().then((snapshot) =>
  render(
    <PopupApp client={runtimeBackgroundClient} openOptions={() => void browser.runtime.openOptionsPage()} snapshot={snapshot} />,
    document.getElementById('app')!,
  ),
);
