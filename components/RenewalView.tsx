import { useState } from 'preact/hooks';
import { connectionNameOf, locationLabel, mdmKindOf, writesThroughApi, type MatchCandidate, type RenewalRecord } from '../lib/renewal/renewal-record';
import { MDM_LABELS } from '../lib/mdm/mdm-adapter';
import { downloadPageReport } from './page-report-download';
import { formatDate, formatDateTime, formatDaysFrom } from './format';
import { formatNumber, plural, t, tParts } from '../lib/i18n/messages';

export interface RenewalActions {
  confirm(id: string, acceptOtherMdm: boolean): void;
  /** The admin's pick among several connections' tokens. */
  choose?(id: string, connectionId: string, tokenId: string): void;
  retry(id: string): void;
  discard(id: string): void;
  openOptions(): void;
  /** Bring the Addigy tab Token Relay opened for this renewal to the front. */
  showConsole(id: string): void;
}

type Step = { key: string; label: string };

const checkSteps = (record: RenewalRecord): Step[] => [
  { key: 'parsed', label: t('stepReadFile') },
  { key: 'verified', label: t('stepCheckedWithApple') },
  {
    key: 'matched',
    label: !record.match && (record.searched?.length ?? 0) > 1 ? t('stepFoundTokenInYourMdms') : t('stepFoundTokenIn', connectionNameOf(record)),
  },
];
const CHECK_ORDER = ['captured', 'parsed', 'verified', 'matched'];

/** The seed's Renew steps, as the console tab reports them. */
const consoleSteps = (): Step[] => [
  { key: 'opening-apple-apps', label: t('stepOpeningAppleApps') },
  { key: 'finding-token', label: t('stepFindingToken') },
  { key: 'opening-renew', label: t('stepPressingRenew') },
  { key: 'handing-over-file', label: t('stepHandingOverFile') },
  { key: 'waiting-for-confirmation', label: t('stepWaitingForAddigy') },
];

const renewSteps = (record: RenewalRecord): Step[] =>
  !writesThroughApi(record)
    ? [
        { key: 'renewing', label: t('stepSavingIn', connectionNameOf(record)) },
        { key: 'scanning', label: t('stepMdmScanning', connectionNameOf(record)) },
      ]
    : [
        { key: 'renewing', label: t('stepSendingTo', connectionNameOf(record)) },
        { key: 'scanning', label: t('stepWaitingForExpiry', connectionNameOf(record)) },
      ];

/** Whether the MDM's renew call is Token Relay's own (Jamf Pro, Intune, Fleet) rather than the MDM's web console. */
const viaApi = writesThroughApi;

/** Failures the user fixes in Options. */
const SETTINGS_FAILURES = ['unauthorized', 'forbidden', 'not-configured', 'bad-settings'];

/** Steps before `current` are done; `current` is under way (or, with `finished`, just done). */
function StepList({ steps, current, finished = false }: { steps: Step[]; current: number; finished?: boolean }) {
  const at = current + (finished ? 1 : 0);
  return (
    <ol class="steps">
      {steps.map(({ key, label }, index) => {
        const state = index < at ? 'done' : index === at ? 'current' : 'todo';
        return (
          <li key={key} data-state={state}>
            {label}
            {state === 'current' && <span class="visually-hidden"> {t('stepInProgress')}</span>}
          </li>
        );
      })}
    </ol>
  );
}

function Retrying({ record }: { record: RenewalRecord }) {
  if (!record.retrying) return null;
  return (
    <p class="notice warn">{t('retrying', formatNumber(record.retrying.attempt + 1), record.retrying.reason)}</p>
  );
}

function OtherMdmWarning({ record }: { record: RenewalRecord }) {
  return (
    <p>{t('otherMdmWarning', record.otherMdm ?? t('theOtherMdm'), connectionNameOf(record))}</p>
  );
}

/** Another MDM holds the location: an explicit yes before anything is handed to Addigy's console. */
function OtherMdmGate({ record, actions }: { record: RenewalRecord; actions: RenewalActions }) {
  const [accepted, setAccepted] = useState(false);
  const [sent, setSent] = useState(false);
  return (
    <section class="card" aria-labelledby={`gate-${record.id}`}>
      <h2 id={`gate-${record.id}`}>{t('otherMdmGateHeading')}</h2>
      <div class="notice bad" role="alert">
        <OtherMdmWarning record={record} />
        <label>
          <input type="checkbox" checked={accepted} onChange={(e) => setAccepted((e.target as HTMLInputElement).checked)} />{' '}
          {t('otherMdmGateYes', record.otherMdm ?? t('theOtherMdm'))}
        </label>
      </div>
      <div class="actions">
        <button
          class="primary"
          disabled={!accepted || sent}
          onClick={() => {
            setSent(true);
            actions.confirm(record.id, true);
          }}
        >
          {t('continueInAddigy')}
        </button>
        <button onClick={() => actions.discard(record.id)}>{t('cancel')}</button>
      </div>
    </section>
  );
}

/** Several connections hold a token this file may renew: the admin picks; nothing is sent before. */
function Chooser({ record, actions }: { record: RenewalRecord; actions: RenewalActions }) {
  const [pick, setPick] = useState<MatchCandidate | undefined>();
  const [sent, setSent] = useState(false);
  const candidates = record.candidates ?? [];
  return (
    <section class="card" aria-labelledby={`choose-${record.id}`}>
      <h2 id={`choose-${record.id}`}>{t('chooserHeading')}</h2>
      <p class="muted">{plural('chooserText', candidates.length)}</p>
      <fieldset class="choices">
        <legend class="visually-hidden">{t('chooserLegend')}</legend>
        {candidates.map((c) => (
          <label key={`${c.connectionId}/${c.tokenId}`} class="choice">
            <input type="radio" name={`choice-${record.id}`} checked={pick === c} onChange={() => setPick(c)} />{' '}
            {tParts('candidateLine', candidateName(c), candidateDetails(c))}{' '}
            <span class="muted">{c.strength === 'uid' ? t('matchedByUid') : t('matchedByName')}</span>
          </label>
        ))}
      </fieldset>
      <div class="actions">
        <button
          class="primary"
          disabled={!pick || sent}
          onClick={() => {
            setSent(true);
            actions.choose?.(record.id, pick!.connectionId, pick!.tokenId);
          }}
        >
          {t('continue')}
        </button>
        <button onClick={() => actions.discard(record.id)}>{t('cancel')}</button>
      </div>
    </section>
  );
}

/** The connection in bold, with its kind when its name does not say it. */
const candidateName = (c: MatchCandidate) =>
  c.connectionName === MDM_LABELS[c.kind] ? <strong>{c.connectionName}</strong> : tParts('connectionWithKind', <strong>{c.connectionName}</strong>, MDM_LABELS[c.kind]);

/** "North High · Springfield Schools · expires Dec 6, 2027". */
function candidateDetails(c: MatchCandidate): string {
  const location = c.locationName ?? t('unnamedLocationLower');
  const details = c.orgName ? t('locationWithOrganization', location, c.orgName) : location;
  return c.expiresAt ? t('detailsWithExpiry', details, formatDate(c.expiresAt)) : details;
}

function Confirmation({ record, actions }: { record: RenewalRecord; actions: RenewalActions }) {
  const [sent, setSent] = useState(false);
  const [takeOver, setTakeOver] = useState(false);
  const preview = record.preview!;
  const name = locationLabel(record);
  const mdm = connectionNameOf(record);
  const api = viaApi(record);
  // Renewing through an MDM's API has no window of its own: the extra yes for another MDM's location is asked here.
  const needsYes = api && Boolean(record.otherMdm) && !record.otherMdmAccepted;
  return (
    <section class="card" aria-labelledby={`confirm-${record.id}`}>
      <h2 id={`confirm-${record.id}`}>{t('confirmHeading')}</h2>
      <p class="muted">{api ? t('confirmApiListed', mdm) : t('confirmAddigyWindow')}</p>
      <dl class="details">
        <dt>{t('idNumber')}</dt>
        <dd>{preview.idNumber}</dd>
        <dt>{t('name')}</dt>
        <dd>{preview.name}</dd>
        <dt>{t('appleId')}</dt>
        <dd>{preview.appleId}</dd>
        <dt>{t('organization')}</dt>
        <dd>{preview.organization}</dd>
        <dt>{t('expires')}</dt>
        <dd>
          {tParts('dateWithRelative', formatDate(record.file?.expiresAt), <span class="muted">{formatDaysFrom(record.file?.expiresAt)}</span>)}
        </dd>
      </dl>
      {record.apple?.status === 'verified' && <p class="notice ok">{t('appleConfirmedValid')}</p>}
      {record.apple?.status === 'unreachable' && (
        <p class="notice warn">{t('addigyWindowIsTheCheck', record.apple.note ?? t('appleUnreachable'))}</p>
      )}
      {record.apple?.status === 'skipped' && <p class="notice warn">{t('appleCheckOff')}</p>}
      {record.match?.strength === 'name' && (
        <p class="notice warn">
          {api
            ? t('matchedByNameApi', mdm, MDM_LABELS[mdmKindOf(record)!])
            : t('matchedByNameAddigy')}
        </p>
      )}
      {record.replacedPending && (
        <p class="notice warn">{t('replacedPending')}</p>
      )}
      {record.discrepancies.map((text) => (
        <p key={text} class="notice warn" role="note">
          {text}
        </p>
      ))}
      {record.otherMdm && (
        <div class="notice warn">
          <OtherMdmWarning record={record} />
          {needsYes && record.match?.reclaimable && (
            <p>{t('canReclaim', mdm)}</p>
          )}
          {needsYes && (
            <label>
              <input type="checkbox" checked={takeOver} onChange={(e) => setTakeOver((e.target as HTMLInputElement).checked)} />{' '}
              {t('takeOverYes', record.otherMdm ?? t('theOtherMdm'), mdm)}
            </label>
          )}
        </div>
      )}
      <div class="actions">
        <button
          class="primary"
          disabled={sent || (needsYes && !takeOver)}
          onClick={() => {
            setSent(true);
            actions.confirm(record.id, Boolean(record.otherMdmAccepted) || takeOver);
          }}
        >
          {needsYes && record.match?.reclaimable ? t('takeOverAndRenew') : t('renewLocationIn', name, mdm)}
        </button>
        <button onClick={() => actions.discard(record.id)}>{t('cancel')}</button>
      </div>
      {api && record.match?.requiresAppleVerifiedLocation && (
        <p class="muted">{t('mdmDoesNotCheckLocation', mdm)}</p>
      )}
      {api ? (
        <p class="muted">{t('renewSendsToApi', mdm)}</p>
      ) : (
        <p class="muted">
          {t('renewPressesSave')}{' '}
          <button class="link" onClick={() => actions.showConsole(record.id)}>
            {t('showAddigyTab')}
          </button>
        </p>
      )}
    </section>
  );
}

/** The console tab is doing the seed's Renew steps, or waits for the admin to sign in. */
function HandingOver({ record, actions }: { record: RenewalRecord; actions: RenewalActions }) {
  const name = locationLabel(record);
  const steps = consoleSteps();
  const phase = steps.findIndex((s) => s.key === record.console?.phase);
  return (
    <section class="card" aria-busy="true" aria-labelledby={`console-${record.id}`}>
      <h2 id={`console-${record.id}`}>{t('preparingIn', name)}</h2>
      {record.console?.signInSince ? (
        <div class="notice warn" role="alert">
          <p>
            <strong>{t('signInToAddigy')}</strong> {t('goesOnAfterSignIn')}
          </p>
        </div>
      ) : record.console?.guide || record.console?.confirmInPage ? (
        <Guide record={record} />
      ) : (
        <p class="muted">{t('consoleDoingSteps')}</p>
      )}
      <div role="status">
        <StepList steps={steps} current={Math.max(0, phase)} />
        <Retrying record={record} />
      </div>
      <div class="actions">
        <button onClick={() => actions.showConsole(record.id)}>{t('showAddigyTab')}</button>
        {record.console?.guide && record.pageReport && (
          <button onClick={() => downloadPageReport(record.pageReport!.outline, record.pageReport!.site, record.console?.learnedPath)}>
            {t('savePageReport')}
          </button>
        )}
      </div>
    </section>
  );
}

/** Addigy's page is not the one Token Relay knows: the same words the tab's guide shows, and what Addigy said. */
function Guide({ record }: { record: RenewalRecord }) {
  const session = record.console!;
  const details = session.details && Object.entries(session.details).filter(([, value]) => value.trim());
  return (
    <div class="notice warn" role="alert">
      {session.guide && (
        <p>
          <strong>{t('addigyNeedsClicks')}</strong> {session.guide.say}
        </p>
      )}
      {session.fileHandedAt && <p>{t('fileHandedOver')}</p>}
      {session.confirmInPage && (
        <>
          <p>{t('confirmInAddigy')}</p>
          {details && details.length > 0 && (
            <dl class="details">
              {details.map(([key, value]) => (
                <div key={key}>
                  <dt>{t(DETAIL_LABELS[key as keyof typeof DETAIL_LABELS])}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
            </dl>
          )}
        </>
      )}
      {session.answer && <p>{t('addigySaid', session.answer)}</p>}
    </div>
  );
}

const DETAIL_LABELS = { idNumber: 'idNumber', name: 'name', appleId: 'appleId', organization: 'organization' } as const;

function Failure({ record, actions }: { record: RenewalRecord; actions: RenewalActions }) {
  const failure = record.failure!;
  const headline = failure.step === 'scanning' && record.renewedAt ? t('renewedScanFailed') : t('notRenewed');
  return (
    <section class="card" aria-labelledby={`failed-${record.id}`}>
      <h2 id={`failed-${record.id}`}>{headline}</h2>
      <div class="notice bad" role="alert">
        <p>{failure.message}</p>
        {failure.detail && (
          <p>{t('whoSaid', failure.step === 'verified' ? 'Apple' : connectionNameOf(record), failure.detail)}</p>
        )}
      </div>
      <p>
        <strong>{t('whatToDo')}</strong> {failure.nextStep}
      </p>
      {!record.dismissed && (
        <div class="actions">
          {failure.retryable && (
            <button class="primary" onClick={() => actions.retry(record.id)}>
              {t('retry')}
            </button>
          )}
          {SETTINGS_FAILURES.includes(failure.kind) && <button onClick={actions.openOptions}>{t('openOptions')}</button>}
          {record.pageReport && (
            <button onClick={() => downloadPageReport(record.pageReport!.outline, record.pageReport!.site, record.console?.learnedPath)}>
              {t('savePageReport')}
            </button>
          )}
          <button onClick={() => actions.discard(record.id)}>{t('dismiss')}</button>
        </div>
      )}
    </section>
  );
}

/** One renewal, in whatever state it is. */
export function RenewalView({ record, actions }: { record: RenewalRecord; actions: RenewalActions }) {
  const name = locationLabel(record);
  switch (record.step) {
    case 'awaiting-confirmation':
      if (!record.match && record.candidates?.length) return <Chooser record={record} actions={actions} />;
      return record.preview ? <Confirmation record={record} actions={actions} /> : <OtherMdmGate record={record} actions={actions} />;
    case 'handing-over':
    case 'previewed':
      return <HandingOver record={record} actions={actions} />;
    case 'failed':
      return <Failure record={record} actions={actions} />;
    case 'done':
      return (
        <section class="card" aria-labelledby={`done-${record.id}`}>
          <h2 id={`done-${record.id}`}>{t('renewed')}</h2>
          <p class="notice ok" role="status">
            {record.newExpiry
              ? t('renewedInUntil', name, connectionNameOf(record), formatDate(record.newExpiry))
              : t('renewedIn', name, connectionNameOf(record))}
          </p>
          <dl class="details">
            <dt>{t('lastSuccessfulSync')}</dt>
            <dd>{formatDateTime(record.lastSync)}</dd>
          </dl>
          {record.pageReport && record.console?.learnedPath && (
            <>
              <p class="muted">{t('sameWayNextTime')}</p>
              <div class="actions">
                <button onClick={() => downloadPageReport(record.pageReport!.outline, record.pageReport!.site, record.console!.learnedPath)}>
                  {t('savePageReport')}
                </button>
              </div>
            </>
          )}
        </section>
      );
    case 'discarded':
      return null;
    case 'renewing':
    case 'scanning':
      return (
        <section class="card" aria-busy="true" aria-labelledby={`busy-${record.id}`}>
          <h2 id={`busy-${record.id}`}>{t('renewingLocation', name)}</h2>
          <div role="status">
            <StepList steps={renewSteps(record)} current={record.step === 'scanning' ? 1 : 0} />
            <Retrying record={record} />
          </div>
        </section>
      );
    default:
      return (
        <section class="card" aria-busy="true" aria-labelledby={`busy-${record.id}`}>
          <h2 id={`busy-${record.id}`}>{t('checkingToken')}</h2>
          <div role="status">
            <StepList steps={checkSteps(record)} current={CHECK_ORDER.indexOf(record.step) - 1} finished />
            <Retrying record={record} />
          </div>
        </section>
      );
  }
}
