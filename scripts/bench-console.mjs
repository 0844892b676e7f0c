// The Addigy console path against the sandbox, as the user meets it: one click on Send to Addigy, then one on
// Renew in the popup. Counts the user actions each renewal takes and times capture (the renewal record's creation,
// when the token reached the background) → Addigy's confirmation shown in the popup, and click → the same, median of
// the runs. Usage: npm run build && node scripts/bench-console.mjs [runs]
import { startSandbox } from '../tests/sandbox/index.mjs';
import { eventually, everyTokenHealthy, forgetRenewals, launchExtension, openTokensPage, saveApiKey, storedRenewals } from '../tests/e2e/harness.mjs';

const RUNS = Number(process.argv[2] ?? 7);
const sandbox = await startSandbox({ seed: everyTokenHealthy });
const session = await launchExtension({ hostResolverRules: sandbox.hostResolverRules });
try {
  await saveApiKey(session, sandbox.apiKey);
  const samples = [];
  const fromClick = [];
  const actions = [];
  for (let run = 0; run < RUNS; run++) {
    const page = await openTokensPage(session);
    const popup = await session.openPopup();
    let userActions = 0;
    const send = page.getByRole('row', { name: /Warehouse/ }).getByRole('button', { name: /Send to Addigy/ });
    await send.waitFor();
    const clickedAt = Date.now();
    await send.click();
    userActions++;
    const renew = popup.getByRole('button', { name: 'Renew Warehouse in Addigy' });
    await renew.waitFor({ timeout: 30_000 });
    const shownAt = Date.now();
    const [record] = await storedRenewals(session);
    samples.push(shownAt - Date.parse(record.createdAt));
    fromClick.push(shownAt - clickedAt);
    await renew.click();
    userActions++;
    await popup.getByRole('heading', { name: 'Renewed', exact: true }).waitFor({ timeout: 60_000 });
    const saved = sandbox.consoleUploads().filter((u) => u.stage === 'saved');
    if (saved.length !== 1) throw new Error(`run ${run + 1}: Addigy's console saved ${saved.length} times`);
    actions.push(userActions);
    for (const p of session.context.pages()) if (p.url().startsWith('https://app.addigy.com') || p === page || p === popup) await p.close();
    await eventually(async () => (await forgetRenewals(session), true));
    sandbox.reset();
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  console.log(
    `console renewal, ${RUNS} runs: user actions per renewal ${[...new Set(actions)].join('/')}; ` +
      `capture → Addigy's confirmation in the popup: median ${median(samples)} ms (min ${Math.min(...samples)}, max ${Math.max(...samples)}); ` +
      `Send to Addigy click → the same: median ${median(fromClick)} ms`,
  );
} finally {
  await session.close();
  await sandbox.close();
}
