// `npm start`: the sandbox (Apple Business Manager, Apple's API, Addigy's API and console on local HTTPS) plus Chromium
// with the production build. Headed when there is a display; otherwise a headless tour with screenshots.
import { mkdirSync } from 'node:fs';
import {
  FLEET_API_TOKEN,
  FLEET_HOST,
  INTUNE_CLIENT_ID,
  INTUNE_TENANT_ID,
  JAMF_CLIENT_ID,
  JAMF_CLIENT_SECRET,
  JAMF_HOST,
  startSandbox,
} from '../tests/sandbox/index.mjs';
import { addigyConsoleTab, downloadedFiles, eventually, launchExtension, openTokensPage, saveApiKey } from '../tests/e2e/harness.mjs';

const headed = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY) && !process.env.CI;
const sandbox = await startSandbox();
const session = await launchExtension({ hostResolverRules: sandbox.hostResolverRules, headless: !headed });
await saveApiKey(session, sandbox.apiKey);
console.log(`Sandbox on 127.0.0.1:${sandbox.port}; Addigy API key: ${sandbox.apiKey}`);
// What to type in Options → Connections → Add connection to try the other MDMs against the sandbox.
console.log(`Other MDMs in the sandbox: Jamf Pro https://${JAMF_HOST} (Client ID ${JAMF_CLIENT_ID}, Client secret ${JAMF_CLIENT_SECRET});`);
console.log(`  Fleet https://${FLEET_HOST} (API token ${FLEET_API_TOKEN}); Microsoft Intune (Tenant ID ${INTUNE_TENANT_ID}, Client ID ${INTUNE_CLIENT_ID}).`);

const page = await openTokensPage(session);

if (headed) {
  console.log('Chromium is open on the sandbox Apple Business Manager. Click Download (or Send to Addigy) beside a token,');
  console.log('then the Token Relay toolbar button. Close the browser to stop.');
  await new Promise((resolve) => session.context.on('close', resolve));
} else {
  const out = '.output/demo';
  mkdirSync(out, { recursive: true });
  console.log('No display: running the renewal headlessly, screenshots go to .output/demo/');
  await page.getByRole('row', { name: /Main Campus/ }).getByRole('button', { name: /Send to Addigy/ }).waitFor();
  await page.screenshot({ path: `${out}/1-apple-business-manager.png` });
  await page.getByRole('row', { name: /Main Campus/ }).getByRole('button', { name: /Send to Addigy/ }).click();
  await eventually(() => downloadedFiles(session.downloadsDir).get('sToken_for_Main Campus.vpptoken'));
  const popup = await session.openPopup();
  await popup.setViewportSize({ width: 400, height: 600 });
  const renew = popup.getByRole('button', { name: /^Renew/ });
  await renew.waitFor({ timeout: 30_000 });
  console.log(`Captured; Addigy's console shows its confirmation; badge: ${JSON.stringify(await session.badge())}`);
  await popup.screenshot({ path: `${out}/2-popup-confirmation.png` });
  const addigy = await addigyConsoleTab(session);
  await addigy.screenshot({ path: `${out}/3-addigy-console-confirmation.png` });
  await renew.click();
  await popup.getByRole('heading', { name: 'Renewed', exact: true }).waitFor({ timeout: 60_000 });
  await popup.screenshot({ path: `${out}/4-popup-renewed.png` });
  await addigy.screenshot({ path: `${out}/5-addigy-console-after-save.png` });
  const saved = sandbox.consoleUploads().filter((u) => u.stage === 'saved');
  console.log(`Renewed: Addigy's console saved ${saved.length} file (${saved[0]?.fileName ?? ''}). Screenshots are in ${out}/`);
  await session.close();
}
await sandbox.close();
