import { useState } from 'preact/hooks';
import type { RenewalRecord } from '../lib/renewal/renewal-record';
import { formatDate, formatDateTime, formatDaysFrom } from './format';

export interface RenewalActions {
  confirm(id: string, acceptOtherMdm: boolean): void;
  retry(id: string): void;
  discard(id: string): void;
  openOptions(): void;
}

const CHECK_STEPS: { step: RenewalRecord['step']; label: string }[] = [
  { step: 'parsed', label: 'Read the token file' },
  { step: 'verified', label: 'Checked the token with Apple' },
  { step: 'matched', label: 'Found the token in Addigy' },
  { step: 'previewed', label: 'Addigy checked the new token' },
];
const RENEW_STEPS: { step: RenewalRecord['step']; label: string }[] = [
  { step: 'renewing', label: 'Saving the token in Addigy' },
  { step: 'scanning', label: 'Addigy is scanning the licences' },
];
const ORDER = ['captured', 'parsed', 'verified', 'matched', 'previewed', 'awaiting-confirmation', 'renewing', 'scanning', 'done'];

/** Failures the user fixes in Options. */
const SETTINGS_FAILURES = ['unauthorized', 'forbidden', 'not-configured', 'bad-settings'];

function locationLabel(r: RenewalRecord): string {
  return r.preview?.name ?? r.match?.locationName ?? r.apple?.locationName ?? r.file?.orgName ?? 'this token';
}

/** Check steps are named after what finished; renew steps after what is under way. */
function StepList({ record, steps, naming }: { record: RenewalRecord; steps: typeof CHECK_STEPS; naming: 'finished' | 'underway' }) {
  const at = ORDER.indexOf(record.step) + (naming === 'finished' ? 1 : 0);
  return (
    <ol class="steps">
      {steps.map(({ step, label }) => {
        const index = ORDER.indexOf(step);
        const state = index < at ? 'done' : index === at ? 'current' : 'todo';
        return (
          <li key={step} data-state={state}>
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

function Confirmation({ record, actions }: { record: RenewalRecord; actions: RenewalActions }) {
  const [acceptOtherMdm, setAcceptOtherMdm] = useState(false);
  const [sent, setSent] = useState(false);
  const preview = record.preview;
  const name = locationLabel(record);
  const blocked = Boolean(record.otherMdm) && !acceptOtherMdm;
  return (
    <section class="card" aria-labelledby={`confirm-${record.id}`}>
      <h2 id={`confirm-${record.id}`}>Confirm the renewal</h2>
      <p class="muted">Check these details, as Addigy’s Renew dialog would show them.</p>
      <dl class="details">
        {preview && (
          <>
            <dt>ID number</dt>
            <dd>{preview.idNumber}</dd>
            <dt>Name</dt>
            <dd>{preview.name}</dd>
            <dt>Apple ID</dt>
            <dd>{preview.appleId}</dd>
            <dt>Organization</dt>
            <dd>{preview.organization}</dd>
          </>
        )}
        {!preview && record.file && (
          <>
            <dt>Organization</dt>
            <dd>{record.file.orgName}</dd>
          </>
        )}
        <dt>Expires</dt>
        <dd>
          {formatDate(record.file?.expiresAt)} <span class="muted">({formatDaysFrom(record.file?.expiresAt)})</span>
        </dd>
      </dl>
      {record.apple?.status === 'verified' && <p class="notice ok">Apple confirmed this token is valid.</p>}
      {record.apple?.status === 'unreachable' && (
        <p class="notice warn">
          {record.apple.note ?? 'Apple could not be reached, so the token was not checked with Apple.'} Addigy’s own
          check of the token passed.
        </p>
      )}
      {record.apple?.status === 'skipped' && <p class="notice warn">Checking with Apple is turned off in Options.</p>}
      {record.match?.strength === 'name' && (
        <p class="notice warn">
          Matched to the Addigy token by location and organisation name only, because Apple could not confirm the
          location’s identifier.
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
        <div class="notice bad" role="alert">
          <p>
            This location is in use by another MDM ({record.otherMdm}). Renewing it here moves its app licences to
            Addigy and stops {record.otherMdm} from managing them.
          </p>
          <label>
            <input
              type="checkbox"
              checked={acceptOtherMdm}
              onChange={(e) => setAcceptOtherMdm((e.target as HTMLInputElement).checked)}
            />{' '}
            Yes, move this location from {record.otherMdm} to Addigy
          </label>
        </div>
      )}
      <div class="actions">
        <button
          class="primary"
          disabled={blocked || sent}
          onClick={() => {
            setSent(true);
            actions.confirm(record.id, acceptOtherMdm);
          }}
        >
          Renew {name} in Addigy
        </button>
        <button onClick={() => actions.discard(record.id)}>Cancel</button>
      </div>
    </section>
  );
}

function Failure({ record, actions }: { record: RenewalRecord; actions: RenewalActions }) {
  const failure = record.failure!;
  const headline = failure.step === 'scanning' && record.renewedAt ? 'Renewed, but the scan failed' : 'Not renewed';
  return (
    <section class="card" aria-labelledby={`failed-${record.id}`}>
      <h2 id={`failed-${record.id}`}>{headline}</h2>
      <div class="notice bad" role="alert">
        <p>{failure.message}</p>
        {failure.detail && <p>Addigy said: “{failure.detail}”</p>}
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
      return <Confirmation record={record} actions={actions} />;
    case 'failed':
      return <Failure record={record} actions={actions} />;
    case 'done':
      return (
        <section class="card" aria-labelledby={`done-${record.id}`}>
          <h2 id={`done-${record.id}`}>Renewed</h2>
          <p class="notice ok" role="status">
            {name} is renewed in Addigy{record.newExpiry ? `, valid until ${formatDate(record.newExpiry)}` : ''}.
          </p>
          <dl class="details">
            <dt>Last successful sync</dt>
            <dd>{formatDateTime(record.lastSync)}</dd>
          </dl>
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
            <StepList record={record} steps={RENEW_STEPS} naming="underway" />
            <Retrying record={record} />
          </div>
        </section>
      );
    default:
      return (
        <section class="card" aria-busy="true" aria-labelledby={`busy-${record.id}`}>
          <h2 id={`busy-${record.id}`}>Checking the token…</h2>
          <div role="status">
            <StepList record={record} steps={CHECK_STEPS} naming="finished" />
            <Retrying record={record} />
          </div>
        </section>
      );
  }
}
