import type { AppleClientConfig } from '../apple/schemas';
import { appleNamesKind } from '../mdm/mdm-kinds';
import type { MdmAdapter, MdmKind, MdmProblem, MdmToken } from '../mdm/mdm-adapter';
import type { Problem } from '../result';
import { locationFromTokenFileName } from '../token';
import { matchTokensByName } from './match-by-name';
import { connectionNameOf, locationLabel, type MatchCandidate, type RenewalFailure, type RenewalRecord } from './renewal-record';
import type { RenewalRuntime, Target } from './renewal-runtime';
import { startWrite } from './write-stage';
import { t } from '../i18n/messages';

/**
 * Stage 3, verified → matched: which token of which connection the file renews. Every connection is asked; one
 * candidate goes on, several wait for the admin to pick, none is said in plain words. Nothing is sent before.
 */
export async function matchAcrossConnections(
  rt: RenewalRuntime,
  record: RenewalRecord,
  targets: Target[],
  text: string,
  apple: AppleClientConfig | undefined,
): Promise<RenewalRecord> {
  const file = { ...record.file!, locationName: locationFromTokenFileName(record.fileName) };
  const candidates: MatchCandidate[] = [];
  const unanswered: Array<{ target: Target; problem: MdmProblem }> = [];
  let refusal: Problem | undefined;
  for (const target of targets) {
    const list = await target.adapter.listTokens();
    record.retrying = undefined;
    if (!list.ok) {
      unanswered.push({ target, problem: list.error });
      continue;
    }
    if (target.adapter.matchFile) {
      // The MDM knows Apple's location identifier: its own rules decide.
      const match = target.adapter.matchFile(list.value, { apple, orgName: file.orgName, locationName: file.locationName });
      if (!match.ok) {
        if (match.error.kind === 'ambiguous' || targets.length === 1) refusal = match.error;
        continue;
      }
      for (const token of match.value.tokens) candidates.push(candidateOf(target, token, match.value.strength));
      continue;
    }
    const matches = matchTokensByName(list.value, { locationName: apple?.locationName ?? file.locationName, orgName: file.orgName });
    for (const token of matches) candidates.push(candidateOf(target, token, 'name'));
  }
  record.searched = targets.map((t) => t.name);

  if (candidates.length === 0) {
    const [first] = unanswered;
    if (first && unanswered.length === targets.length) {
      // No connection could be asked: the first one's problem, as a single connection always said it.
      return rt.failService(record, first.problem, 'matched', text);
    }
    if (targets.length === 1 && refusal) return rt.fail(record, { ...refusal, step: 'matched', retryable: false });
    return rt.fail(record, noMatchAcross(targets, unanswered));
  }
  if (candidates.length > 1) {
    // Never a guess: the admin picks the token, in the popup, and nothing is sent before.
    record.candidates = candidates;
    return rt.save(record, 'awaiting-confirmation');
  }
  return matched(rt, record, candidates[0]!);
}

/** One token was chosen (by the match, or by the admin): on to its writer. */
export async function matched(rt: RenewalRuntime, record: RenewalRecord, candidate: MatchCandidate): Promise<RenewalRecord> {
  record.failure = undefined;
  record.match = {
    locationId: candidate.tokenId,
    policyId: candidate.policyId,
    locationName: candidate.locationName,
    orgName: candidate.orgName,
    appleId: candidate.appleId,
    strength: candidate.strength,
    connectionId: candidate.connectionId,
    connectionName: candidate.connectionName,
    kind: candidate.kind,
    ...(candidate.reclaimable ? { reclaimable: true } : {}),
    ...(candidate.requiresAppleVerifiedLocation ? { requiresAppleVerifiedLocation: true } : {}),
    writes: candidate.writes,
  };
  // Apple names the MDM holding the location; the MDM's own list may say another server of its kind uses it.
  record.otherMdm = otherMdmFor(record.apple?.otherMdm, candidate.kind) ?? (candidate.otherServer ? ANOTHER_SERVER : undefined);
  const waiting = await takeOverWaiting(rt, record);
  if (waiting === 'saving') {
    return rt.fail(record, {
      kind: 'already-saving',
      message: t('problemIsSavingAnotherTokenForRight', connectionNameOf(record), locationLabel(record)),
      nextStep: t('problemWaitUntilThatRenewalHasFinished'),
      step: 'matched',
      retryable: false,
    });
  }
  if (waiting === 'blocked') {
    return rt.fail(record, {
      kind: 'already-waiting',
      message: t('problemARenewalOfIsAlreadyWaiting', locationLabel(record)),
      nextStep: t('problemFinishOrDiscardTheWaitingRenewal'),
      step: 'matched',
      retryable: false,
    });
  }
  await rt.save(record, 'matched');
  return startWrite(rt, record);
}

/**
 * One renewal per location. A newer capture replaces one still waiting (its page is reused), but only when Apple
 * confirmed both are the same location by `uId`: a name match never replaces. While one is being saved, a newer
 * capture waits its turn.
 */
async function takeOverWaiting(rt: RenewalRuntime, record: RenewalRecord): Promise<'none' | 'replaced' | 'blocked' | 'saving'> {
  let outcome: 'none' | 'replaced' | 'blocked' = 'none';
  let saving = false;
  for (const other of await rt.deps.store.list()) {
    if (other.id === record.id || other.match?.locationId !== record.match?.locationId) continue;
    if (other.match?.connectionId !== record.match?.connectionId) continue;
    const waiting =
      other.step === 'awaiting-confirmation' ||
      other.step === 'handing-over' ||
      other.step === 'previewed' ||
      (other.step === 'failed' && other.failure?.retryable && other.failure.step !== 'renewing' && other.failure.step !== 'scanning');
    if (other.step === 'renewing' || other.step === 'scanning') {
      saving = true;
      continue;
    }
    if (!waiting) continue;
    const sameByUid = record.match?.strength === 'uid' && Boolean(record.apple?.uId) && other.apple?.uId === record.apple?.uId;
    if (!sameByUid) {
      outcome = 'blocked';
      continue;
    }
    await rt.deps.vault.wipe(other.id);
    other.failure = undefined;
    if (other.console?.tabId !== undefined) record.console = { tabId: other.console.tabId, since: rt.now().toISOString() };
    await rt.save(other, 'discarded');
    record.replacedPending = true;
    if (outcome === 'none') outcome = 'replaced';
  }
  return saving ? 'saving' : outcome;
}

function candidateOf(target: Target, token: MdmToken, strength: MatchCandidate['strength']): MatchCandidate {
  const adapter: MdmAdapter = target.adapter;
  return {
    ...(token.state === 'other-server' ? { otherServer: true } : {}),
    ...(adapter.reclaim ? { reclaimable: true } : {}),
    ...(adapter.requiresAppleVerifiedLocation ? { requiresAppleVerifiedLocation: true } : {}),
    connectionId: target.connectionId,
    connectionName: target.name,
    kind: target.kind,
    tokenId: token.id,
    policyId: token.policyId,
    locationName: token.locationName,
    orgName: token.orgName,
    appleId: token.appleId,
    expiresAt: token.expiresAt,
    strength,
    writes: adapter.writes,
  };
}

/** What the popup calls the holder when only the MDM's list (not Apple) says another server uses the location. */
const ANOTHER_SERVER = t('problemAnotherMDMServer');

/** Apple names the MDM that holds the location: "another MDM" only when it is not the one we renew in. */
function otherMdmFor(appleSays: string | undefined, kind: MdmKind): string | undefined {
  if (!appleSays) return undefined;
  return appleNamesKind(appleSays, kind) ? undefined : appleSays;
}

/** Not one connection lists a token for this file: say which were searched, and which could not be asked. */
function noMatchAcross(targets: Target[], unanswered: Array<{ target: Target; problem: Problem }>): RenewalFailure {
  const asked = targets.filter((t) => !unanswered.some((u) => u.target === t)).map((t) => t.name);
  const notAsked = unanswered.map((u) => `${u.target.name} (${u.problem.message})`);
  return {
    kind: 'no-match',
    message: notAsked.length
      ? t('problemNoMatchSomeNotAsked', asked.join(', ') || t('problemSearchedNone'), notAsked.join('; '))
      : t('problemNoMatch', asked.join(', ') || t('problemSearchedNone')),
    nextStep: notAsked.length
      ? t('problemChooseRetryWhenEveryConnectionCan')
      : t('problemIfThisLocationIsNewTo'),
    step: 'matched',
    retryable: notAsked.length > 0,
  };
}
