// Copies the screenshots the e2e suite and `npm start` took from the real build into docs/screenshots/,
// the ones the README shows. Run after `npm test` and `npm start` (headless).
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';

const picks = {
  'popup-confirmation.png': '.output/e2e/popup-confirmation.png',
  'popup-renewed.png': '.output/e2e/popup-renewed.png',
  'popup-overview.png': '.output/e2e/popup-overview.png',
  'popup-overview-dark.png': '.output/e2e/popup-overview-dark.png',
  'popup-revoked.png': '.output/e2e/popup-revoked.png',
  'popup-mismatch.png': '.output/e2e/popup-mismatch.png',
  'abm-send-to-addigy.png': '.output/demo/1-apple-business-manager.png',
  'addigy-console-confirmation.png': '.output/e2e/addigy-console-confirmation.png',
  'addigy-sign-in.png': '.output/e2e/addigy-sign-in.png',
  'popup-identifier-refused.png': '.output/e2e/popup-identifier-refused.png',
  // Store listing (1280×800), from tests/e2e/store-screenshots.e2e.ts.
  'store-1-send-to-addigy.png': '.output/e2e/store-1-send-to-addigy.png',
  'store-2-confirm.png': '.output/e2e/store-2-confirm.png',
  'store-3-renewed.png': '.output/e2e/store-3-renewed.png',
  'store-4-options.png': '.output/e2e/store-4-options.png',
};
mkdirSync('docs/screenshots', { recursive: true });
for (const [name, from] of Object.entries(picks)) {
  if (existsSync(from)) copyFileSync(from, `docs/screenshots/${name}`);
  else console.warn(`missing ${from}: run npm test and npm start first`);
}
