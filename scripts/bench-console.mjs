// The Addigy console path against the sandbox, as the user meets it: one click on Send to Addigy, then one on
// Renew in the popup. Counts the user actions each renewal takes and times capture → Addigy's confirmation shown
// in the popup (median of the runs). Usage: npm run build && node scripts/bench-console.mjs [runs]
import { startSandbox } from '../tests/sandbox/index.mjs';
import { eventually, everyTokenHealthy, forgetRenewals, launchExtension, openTokensPage, saveApiKey } from '../tests/e2e/harness.mjs';

const RUNS = Number(process.argv[2] ?? 7);
const sandbox = await startSandbox({ seed: everyTokenHealthy });
const session = await launchExtension({ hostResolverRules: sandbox.hostResolverRules });
try {
  await saveApiKey(session, sandbox.apiKey);
  const samples = [];
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
    samples.push(Date.now() - clickedAt);
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
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  console.log(`console renewal, ${RUNS} runs: user actions per renewal ${[...new Set(actions)].join('/')}; capture → Addigy's confirmation in the popup: median ${median} ms (min ${samples[0]}, max ${samples.at(-1)})`);
} finally {
  await session.close();
  await sandbox.close();
}
