import { isManagedByOtherMdm, otherMdmName } from '../apple/apple-client';
import type { AppleClientConfig } from '../apple/schemas';
import { parseVppToken } from '../token';
import { matchAcrossConnections } from './match-stage';
import type { CaptureSource, RenewalRecord } from './renewal-record';
import { appleNotConsulted, type RenewalRuntime } from './renewal-runtime';
import { t } from '../i18n/messages';

export interface CaptureInput {
  text: string;
  source: CaptureSource;
  fileName?: string;
  /** A tab Token Relay opened for an earlier write that this one may use again (a batch's console tab). */
  reuseTab?: number;
}

/** Stage 1, captured → parsed: the file itself. The token goes to the vault, never into the record. */
export async function captureFile(rt: RenewalRuntime, input: CaptureInput, id: string): Promise<RenewalRecord> {
  const at = rt.now().toISOString();
  const record: RenewalRecord = {
    id,
    step: 'captured',
    createdAt: at,
    updatedAt: at,
    source: input.source,
    fileName: input.fileName,
    discrepancies: [],
    ...(input.reuseTab !== undefined ? { console: { tabId: input.reuseTab, since: at } } : {}),
  };
  const parsed = parseVppToken(input.text, { now: rt.now() });
  if (!parsed.ok) return rt.fail(record, { ...parsed.error, step: 'parsed', retryable: false });
  const token = parsed.value;
  await rt.deps.vault.put(record.id, token.text);
  record.file = { orgName: token.orgName, expiresAt: token.expiresAt };
  await rt.save(record, 'parsed');
  return runChecks(rt, record.id);
}

/** Stage 2, parsed → verified: is the token alive for Apple, and which location is it? Then the match. */
export async function runChecks(rt: RenewalRuntime, id: string): Promise<RenewalRecord> {
  const record = await rt.deps.store.get(id);
  if (!record) throw new Error('renewal vanished');
  return rt.exclusive(record, async () => {
    const text = await rt.deps.vault.get(id);
    if (!text) return rt.failTokenGone(record, 'parsed');
    record.failure = undefined;
    record.discrepancies = [];

    const settings = await rt.deps.loadSettings();
    const targets = await rt.connectAll(record);
    if (!targets.length) return failNoConnection(rt, record);

    let apple: AppleClientConfig | undefined;
    if (settings.appleVerification) {
      const answer = await rt.deps.createApple(rt.retryReporter(record)).getClientConfig(text);
      record.retrying = undefined;
      if (answer.ok) {
        apple = answer.value;
        record.apple = {
          status: 'verified',
          uId: apple.uId,
          locationName: apple.locationName,
          tokenExpirationDate: apple.tokenExpirationDate,
          websiteURL: apple.websiteURL,
          otherMdm: isManagedByOtherMdm(apple) ? otherMdmName(apple) : undefined,
        };
      } else if (appleNotConsulted(answer.error)) {
        record.apple = { status: 'unreachable', note: answer.error.message };
      } else {
        return rt.fail(record, { ...answer.error, step: 'verified', retryable: false });
      }
    } else {
      record.apple = { status: 'skipped' };
    }
    await rt.save(record, 'verified');
    return matchAcrossConnections(rt, record, targets, text, apple);
  });
}

function failNoConnection(rt: RenewalRuntime, record: RenewalRecord) {
  return rt.fail(record, {
    kind: 'not-configured',
    message: t('problemTokenRelayIsNotConnectedTo'),
    nextStep:
      t('problemOpenOptionsAndPasteYourAddigy'),
    step: 'parsed',
    retryable: true,
  });
}
