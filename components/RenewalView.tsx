import { useState } from 'preact/hooks';
import { connectionNameOf, locationLabel, mdmKindOf, writesThroughApi, type MatchCandidate, type RenewalRecord } from '../lib/renewal/renewal-record';
import { MDM_LABELS } from '../lib/mdm/mdm-adapter';
import { downloadPageReport } from './page-report-download';
import { formatDate, formatDateTime, formatDaysFrom } from './format';

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
  { key: 'parsed', label: 'Read the token file' },
  { key: 'verified', label: 'Checked the token with Apple' },
  { key: 'matched', label: `Found the token in ${record.match ? connectionNameOf(record) : (record.searched?.length ?? 0) > 1 ? 'your MDMs' : connectionNameOf(record)}` },
];
const CHECK_ORDER = ['captured', 'parsed', 'verified', 'matched'];

/** The seed's Renew steps, as the console tab reports them. */
const CONSOLE_STEPS: Step[] = [
  { key: 'opening-apple-apps', label: 'Opening Apple Apps in Addigy' },
  { key: 'finding-token', label: 'Finding the token' },
  { key: 'opening-renew', label: 'Pressing Renew' },
  { key: 'handing-over-file', label: 'Handing the file to Addigy' },
  { key: 'waiting-for-confirmation', label: 'Waiting for Addigy’s confirmation' },
];

const renewSteps = (record: RenewalRecord): Step[] =>
  !writesThroughApi(record)
    ? [
        { key: 'renewing', label: `Saving in ${connectionNameOf(record)}` },
        { key: 'scanning', label: `${connectionNameOf(record)} is scanning the licences` },
      ]
    : [
        { key: 'renewing', label: `Sending the token to ${connectionNameOf(record)}` },
        { key: 'scanning', label: `Waiting for ${connectionNameOf(record)} to show the new expiry` },
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
            {state === 'current' && <span class="visually-hidden"> (in progress)</span>}
          </li>
        );
      })}
    </ol>
  );
}

function Retrying({ record }: { record: RenewalRecord }) {
  if (!record.retrying) return null;
  return (
    <p class="notice warn">
      Retrying (attempt {record.retrying.attempt + 1}): {record.retrying.reason}
    </p>
  );
}

function OtherMdmWarning({ record }: { record: RenewalRecord }) {
  return (
    <p>
      This location is in use by another MDM ({record.otherMdm}). Renewing it here moves its app licences to{' '}
      {connectionNameOf(record)} and stops {record.otherMdm} from managing them.
    </p>
  );
}

/** Another MDM holds the location: an explicit yes before anything is handed to Addigy's console. */
function OtherMdmGate({ record, actions }: { record: RenewalRecord; actions: RenewalActions }) {
  const [accepted, setAccepted] = useState(false);
  const [sent, setSent] = useState(false);
  return (
    <section class="card" aria-labelledby={`gate-${record.id}`}>
      <h2 id={`gate-${record.id}`}>Another MDM uses this location</h2>
      <div class="notice bad" role="alert">
        <OtherMdmWarning record={record} />
        <label>
          <input type="checkbox" checked={accepted} onChange={(e) => setAccepted((e.target as HTMLInputElement).checked)} />{' '}
          Yes, move this location from {record.otherMdm} to Addigy
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
          Continue in Addigy
        </button>
        <button onClick={() => actions.discard(record.id)}>Cancel</button>
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
      <h2 id={`choose-${record.id}`}>Which token does this file renew?</h2>
      <p class="muted">
        {candidates.length} tokens in your connections match this file. Token Relay does not guess: pick the one to renew.
        Nothing is sent until you do.
      </p>
      <fieldset class="choices">
        <legend class="visually-hidden">Tokens this file may renew</legend>
        {candidates.map((c) => (
          <label key={`${c.connectionId}/${c.tokenId}`} class="choice">
            <input type="radio" name={`choice-${record.id}`} checked={pick === c} onChange={() => setPick(c)} />{' '}
            <strong>{c.connectionName}</strong>
            {c.connectionName === MDM_LABELS[c.kind] ? '' : ` (${MDM_LABELS[c.kind]})`}: {c.locationName ?? 'unnamed location'}
            {c.orgName ? ` · ${c.orgName}` : ''}
            {c.expiresAt ? ` · expires ${formatDate(c.expiresAt)}` : ''}{' '}
            <span class="muted">{c.strength === 'uid' ? '(matched by Apple’s location identifier)' : '(matched by name)'}</span>
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
          Continue
        </button>
        <button onClick={() => actions.discard(record.id)}>Cancel</button>
      </div>
    </section>
  );
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
      <h2 id={`confirm-${record.id}`}>Confirm the renewal</h2>
      <p class="muted">
        {api ? `${mdm} lists these details for the token this file renews.` : 'Addigy’s confirmation window shows these details.'}{' '}
        Nothing is {api ? 'sent' : 'saved'} until you confirm.
      </p>
      <dl class="details">
        <dt>ID number</dt>
        <dd>{preview.idNumber}</dd>
        <dt>Name</dt>
        <dd>{preview.name}</dd>
        <dt>Apple ID</dt>
        <dd>{preview.appleId}</dd>
        <dt>Organization</dt>
        <dd>{preview.organization}</dd>
        <dt>Expires</dt>
        <dd>
          {formatDate(record.file?.expiresAt)} <span class="muted">({formatDaysFrom(record.file?.expiresAt)})</span>
        </dd>
      </dl>
      {record.apple?.status === 'verified' && <p class="notice ok">Apple confirmed this token is valid.</p>}
      {record.apple?.status === 'unreachable' && (
        <p class="notice warn">
          {record.apple.note ?? 'Apple could not be reached, so the token was not checked with Apple.'} Addigy’s own
          confirmation window is the check.
        </p>
      )}
      {record.apple?.status === 'skipped' && <p class="notice warn">Checking with Apple is turned off in Options.</p>}
      {record.match?.strength === 'name' && (
        <p class="notice warn">
          {api
            ? `Matched to the ${mdm} token by location and organisation name, because ${MDM_LABELS[mdmKindOf(record)!]} does not list Apple’s location identifier. Check the details above.`
            : 'Matched to the Addigy token by location and organisation name only, because Apple could not confirm the location’s identifier.'}
        </p>
      )}
      {record.replacedPending && (
        <p class="notice warn">This newer download replaced a renewal of the same location that was waiting.</p>
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
            <p>{mdm} can take the location over through its own API: Token Relay asks it to, then sends the file.</p>
          )}
          {needsYes && (
            <label>
              <input type="checkbox" checked={takeOver} onChange={(e) => setTakeOver((e.target as HTMLInputElement).checked)} /> Yes, move
              this location from {record.otherMdm} to {mdm}
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
          {needsYes && record.match?.reclaimable ? 'Take over and renew' : `Renew ${name} in ${mdm}`}
        </button>
        <button onClick={() => actions.discard(record.id)}>Cancel</button>
      </div>
      {api && record.match?.requiresAppleVerifiedLocation && (
        <p class="muted">
          {mdm} does not check which location a file is for: Token Relay sends it only because Apple confirmed the file is for
          this location and organisation.
        </p>
      )}
      {api ? (
        <p class="muted">Renew sends the token file to {mdm}’s own API, and only there.</p>
      ) : (
        <p class="muted">
          Renew presses Save in Addigy’s window; pressing Save there yourself works too.{' '}
          <button class="link" onClick={() => actions.showConsole(record.id)}>
            Show the Addigy tab
          </button>
        </p>
      )}
    </section>
  );
}

/** The console tab is doing the seed's Renew steps, or waits for the admin to sign in. */
function HandingOver({ record, actions }: { record: RenewalRecord; actions: RenewalActions }) {
  const name = locationLabel(record);
  const phase = CONSOLE_STEPS.findIndex((s) => s.key === record.console?.phase);
  return (
    <section class="card" aria-busy="true" aria-labelledby={`console-${record.id}`}>
      <h2 id={`console-${record.id}`}>Preparing {name} in Addigy…</h2>
      {record.console?.signInSince ? (
        <div class="notice warn" role="alert">
          <p>
            <strong>Sign in to Addigy in the tab Token Relay opened.</strong> The renewal goes on by itself once you are
            signed in.
          </p>
        </div>
      ) : record.console?.guide || record.console?.confirmInPage ? (
        <Guide record={record} />
      ) : (
        <p class="muted">Addigy’s console is doing the Renew steps in a tab Token Relay opened. Nothing is saved yet.</p>
      )}
      <div role="status">
        <StepList steps={CONSOLE_STEPS} current={Math.max(0, phase)} />
        <Retrying record={record} />
      </div>
      <div class="actions">
        <button onClick={() => actions.showConsole(record.id)}>Show the Addigy tab</button>
        {record.console?.guide && record.pageReport && (
          <button onClick={() => downloadPageReport(record.pageReport!.outline, record.pageReport!.site, record.console?.learnedPath)}>
            Save a page report
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
          <strong>Addigy needs your clicks in the tab Token Relay opened.</strong> {session.guide.say}
        </p>
      )}
      {session.fileHandedAt && <p>Token Relay gave Addigy the file. You never need to pick it.</p>}
      {session.confirmInPage && (
        <>
          <p>Check the details in Addigy’s window and confirm there. Token Relay then checks with Addigy’s API.</p>
          {details && details.length > 0 && (
            <dl class="details">
              {details.map(([key, value]) => (
                <div key={key}>
                  <dt>{DETAIL_LABELS[key as keyof typeof DETAIL_LABELS]}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
            </dl>
          )}
        </>
      )}
      {session.answer && <p>Addigy said: “{session.answer}”</p>}
    </div>
  );
}

const DETAIL_LABELS = { idNumber: 'ID number', name: 'Name', appleId: 'Apple ID', organization: 'Organization' } as const;

function Failure({ record, actions }: { record: RenewalRecord; actions: RenewalActions }) {
  const failure = record.failure!;
  const headline = failure.step === 'scanning' && record.renewedAt ? 'Renewed, but the scan failed' : 'Not renewed';
  return (
    <section class="card" aria-labelledby={`failed-${record.id}`}>
      <h2 id={`failed-${record.id}`}>{headline}</h2>
      <div class="notice bad" role="alert">
        <p>{failure.message}</p>
        {failure.detail && (
          <p>
            {failure.step === 'verified' ? 'Apple' : connectionNameOf(record)} said: “{failure.detail}”
          </p>
        )}
      </div>
      <p>
        <strong>What to do:</strong> {failure.nextStep}
      </p>
      {!record.dismissed && (
        <div class="actions">
          {failure.retryable && (
            <button class="primary" onClick={() => actions.retry(record.id)}>
              Retry
            </button>
          )}
          {SETTINGS_FAILURES.includes(failure.kind) && <button onClick={actions.openOptions}>Open Options</button>}
          {record.pageReport && (
            <button onClick={() => downloadPageReport(record.pageReport!.outline, record.pageReport!.site, record.console?.learnedPath)}>
              Save a page report
            </button>
          )}
          <button onClick={() => actions.discard(record.id)}>Dismiss</button>
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
          <h2 id={`done-${record.id}`}>Renewed</h2>
          <p class="notice ok" role="status">
            {name} is renewed in {connectionNameOf(record)}{record.newExpiry ? `, valid until ${formatDate(record.newExpiry)}` : ''}.
          </p>
          <dl class="details">
            <dt>Last successful sync</dt>
            <dd>{formatDateTime(record.lastSync)}</dd>
          </dl>
          {record.pageReport && record.console?.learnedPath && (
            <>
              <p class="muted">
                Token Relay will take the same way through Addigy next time. A page report with that way (no values in it)
                helps its maintainers.
              </p>
              <div class="actions">
                <button onClick={() => downloadPageReport(record.pageReport!.outline, record.pageReport!.site, record.console!.learnedPath)}>
                  Save a page report
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
          <h2 id={`busy-${record.id}`}>Renewing {name}…</h2>
          <div role="status">
            <StepList steps={renewSteps(record)} current={record.step === 'scanning' ? 1 : 0} />
            <Retrying record={record} />
          </div>
        </section>
      );
    default:
      return (
        <section class="card" aria-busy="true" aria-labelledby={`busy-${record.id}`}>
          <h2 id={`busy-${record.id}`}>Checking the token…</h2>
          <div role="status">
            <StepList steps={checkSteps(record)} current={CHECK_ORDER.indexOf(record.step) - 1} finished />
            <Retrying record={record} />
          </div>
        </section>
      );
  }
}
