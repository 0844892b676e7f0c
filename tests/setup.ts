import 'fake-indexeddb/auto';
import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/preact';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { installI18n } from './support/i18n';

// The extension's own words come from the shipped English messages (lib/i18n).
installI18n(fakeBrowser);

afterEach(() => {
  cleanup();
  fakeBrowser.reset();
});
