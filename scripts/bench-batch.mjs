// Batch renewal (issue 22) of a district's 30 locations, end to end through the real extension in Chromium against
// the sandbox, as the admin meets it: Apple School Manager's token page open, the popup opened (action 1), "Renew all
// 30 expiring" (action 2), "Renew all 30" (action 3); Token Relay downloads each location on Apple's page and renews it
// in Addigy's console tab, one after another. Prints the wall time from the first user action to the popup's
// "30 of 30 renewed", the user actions, and the downloads per location; exits non-zero if any location was downloaded
// twice, or not renewed (not saved in Addigy's console with the exact file Apple's page gave), or more than 3 actions
// were needed. Builds nothing: it loads .output/chrome-mv3 (or TOKEN_RELAY_EXTENSION_DIR).
// Usage: npx wxt build && node scripts/bench-batch.mjs [locations=30] [timeout minutes=10]
// On this 2-core machine, with other browsers running, run it under the e2e lock: flock /tmp/e2e.lock node scripts/bench-batch.mjs
import { seedDistrict, startSandbox } from '../tests/sandbox/index.mjs';
import { batchProgress, eventually, everyTokenHealthy, launchExtension, openTokensPage, saveApiKey, userActions } from '../tests/e2e/harness.mjs';

const COUNT = Number(process.argv[2] ?? 30);
const TIMEOUT_MS = Number(process.argv[3] ?? 10) * 60_000;
const ORG = 'Springfield District';

/** @type {import('../tests/sandbox/index.mjs').DistrictLocation[]} */
let district = [];
const sandbox = await startSandbox({
  seed: (state) => {
    // Only the district is due.
    everyTokenHealthy(state);
    district = seedDistrict(state, { count: COUNT, dueCount: COUNT, orgName: ORG, site: 'school' });
  },
});
const session = await launchExtension({ hostResolverRules: sandbox.hostResolverRules });
let failed = false;
try {
  await saveApiKey(session, sandbox.apiKey);
  const apple = await openTokensPage(session, 'school');
  await apple.getByRole('row', { name: new RegExp(district.at(-1).locationName) }).waitFor({ timeout: 30_000 });

  const actions = userActions();
  const startedAt = Date.now();
  /** @type {import('playwright-core').Page} */
  let popup;
  await actions.do('open the popup', async () => {
    popup = await session.openPopup();
  });
  const start = popup.getByRole('button', { name: `Renew all ${COUNT} expiring in ${ORG}`, exact: true });
  await start.waitFor({ timeout: 60_000 });
  await actions.do(`Renew all ${COUNT} expiring`, () => start.click());
  const yes = popup.getByRole('button', { name: `Renew all ${COUNT}`, exact: true });
  await yes.waitFor({ timeout: 30_000 });
  const confirmedAt = Date.now();
  await actions.do(`Renew all ${COUNT}`, () => yes.click());

  let last = '';
  const done = await eventually(async () => {
    const said = await batchProgress(popup);
    if (said && said !== last) {
      last = said;
      process.stdout.write(`  ${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${said}\n`);
    }
    return said === `${COUNT} of ${COUNT} renewed`;
  }, TIMEOUT_MS).then(
    () => true,
    () => false,
  );
  const wallMs = Date.now() - startedAt;

  const rows = district.map((location) => {
    const downloads = sandbox.tokenDownloads(location.uId).length;
    const saves = sandbox.consoleSaves(location.uId);
    const renewed = saves.length === 1 && saves[0].text === sandbox.appleFile(location.uId);
    return { location: location.locationName, uId: location.uId, downloads, saves: saves.length, renewed };
  });
  const twice = rows.filter((row) => row.downloads > 1);
  const notRenewed = rows.filter((row) => !row.renewed);
  console.table(rows);
  console.log(
    `batch of ${COUNT}: ${done ? `"${COUNT} of ${COUNT} renewed"` : `not finished (popup said "${last}")`} after ` +
      `${(wallMs / 1000).toFixed(1)} s from the first user action (${((Date.now() - confirmedAt) / 1000).toFixed(1)} s from "Renew all ${COUNT}"); ` +
      `user actions ${actions.count} (${actions.list.join(', ')}); downloads ${rows.reduce((sum, row) => sum + row.downloads, 0)} ` +
      `(per location: ${[...new Set(rows.map((row) => row.downloads))].sort().join('/')}); renewed ${rows.length - notRenewed.length} of ${COUNT}; ` +
      `average ${(wallMs / COUNT / 1000).toFixed(1)} s per location`,
  );
  if (twice.length) console.error(`downloaded more than once: ${twice.map((row) => row.location).join(', ')}`);
  if (notRenewed.length) console.error(`not renewed: ${notRenewed.map((row) => row.location).join(', ')}`);
  if (actions.count > 3) console.error(`${actions.count} user actions, more than 3`);
  failed = !done || twice.length > 0 || notRenewed.length > 0 || actions.count > 3;
} catch (error) {
  console.error(`bench-batch: ${error instanceof Error ? error.message : String(error)}`);
  failed = true;
} finally {
  await session.close();
  await sandbox.close();
}
process.exit(failed ? 1 : 0);
