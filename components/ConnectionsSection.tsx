import { useEffect, useState } from 'preact/hooks';
import type { IntentReply } from '../lib/messaging/messages';
import { MDM_KINDS, MDM_LABELS, type MdmKind } from '../lib/mdm/mdm-adapter';
import { normaliseServerUrl } from '../lib/mdm/mdm-http';
import { isAddigyHost } from '../lib/mdm/addigy/addigy-host';
import { addressFaultMessage, checkServerAddress, requestServerAccess } from '../lib/permissions/server-address';
import { PRIMARY_ADDIGY, type Connection, type ConnectionSecrets } from '../lib/storage/connections';
import { originsOf } from '../lib/mdm/connection-origins';
import { t, tParts } from '../lib/i18n/messages';

export interface ConnectionsDeps {
  listConnections(): Promise<Connection[]>;
  saveConnection(connection: Connection, secrets: ConnectionSecrets): Promise<void>;
  removeConnection(id: string): Promise<void>;
  newConnectionId(kind: MdmKind): string;
  /** Asks the browser for sites (and API permissions); must be the first thing a click does. */
  requestAccess(request: { origins: string[]; permissions?: string[] }): Promise<boolean>;
  /** Intune: the OAuth sign-in through the browser's identity API; keeps the session with the connection. */
  signInWithMicrosoft(connection: Connection): Promise<{ ok: true } | { ok: false; message: string; nextStep: string }>;
  testConnection(connectionId: string): Promise<IntentReply>;
  /** The redirect URI to register in Entra ID for this browser. */
  microsoftRedirectUrl(): string;
  /** The connections changed: the in-page button's label and the watch follow. */
  onChanged?(): void;
}

type Status = { tone: 'ok' | 'bad'; text: string } | undefined;
type Draft = { kind: MdmKind; name: string; serverUrl: string; apiKey: string; clientId: string; clientSecret: string; apiToken: string; tenantId: string };
const EMPTY: Draft = { kind: 'jamf-pro', name: '', serverUrl: '', apiKey: '', clientId: '', clientSecret: '', apiToken: '', tenantId: '' };

/** Options' list of connections besides the Addigy section above it: add, name, test, sign in, remove. */
export function ConnectionsSection({ deps }: { deps: ConnectionsDeps }) {
  const [connections, setConnections] = useState<Connection[]>([]);
  const [draft, setDraft] = useState<Draft | undefined>();
  const [formStatus, setFormStatus] = useState<Status>();
  const [statusById, setStatusById] = useState<Record<string, Status>>({});
  const [busyId, setBusyId] = useState<string | undefined>();

  // The `addigy` connection is the Addigy section above: it is edited there, not listed again here.
  const reload = () => deps.listConnections().then((all) => setConnections(all.filter((c) => c.id !== PRIMARY_ADDIGY.id)));
  useEffect(() => {
    void reload();
  }, [deps]);

  const say = (id: string, status: Status) => setStatusById((all) => ({ ...all, [id]: status }));
  const set = (field: keyof Draft) => (e: Event) => setDraft({ ...draft!, [field]: (e.target as HTMLInputElement | HTMLSelectElement).value } as Draft);

  /** The draft as a connection and its secrets, or why not. */
  const check = (d: Draft): { connection: Connection; secrets: ConnectionSecrets } | string => {
    const name = d.name.trim();
    if (!name) return t('connNeedsName');
    const id = deps.newConnectionId(d.kind);
    switch (d.kind) {
      case 'addigy':
        if (!d.apiKey.trim()) return t('connNeedsAddigyKey');
        return { connection: { id, kind: 'addigy', name }, secrets: { apiKey: d.apiKey.trim() } };
      case 'jamf-pro':
      case 'fleet': {
        const address = checkServerAddress(d.serverUrl, { schemeOptional: true });
        const serverUrl = normaliseServerUrl(d.serverUrl);
        if (!address.ok || !serverUrl) {
          return addressFaultMessage(address.ok ? 'not-a-url' : address.fault, d.kind === 'jamf-pro' ? 'https://yourcompany.jamfcloud.com' : 'https://fleet.example.com');
        }
        if (isAddigyHost(new URL(serverUrl).hostname)) return t('connIsAddigyAddress');
        if (d.kind === 'jamf-pro') {
          if (!d.clientId.trim() || !d.clientSecret.trim()) return t('connJamfNeedsClient');
          return { connection: { id, kind: 'jamf-pro', name, serverUrl, clientId: d.clientId.trim() }, secrets: { clientSecret: d.clientSecret.trim() } };
        }
        if (!d.apiToken.trim()) return t('connFleetNeedsToken');
        return { connection: { id, kind: 'fleet', name, serverUrl }, secrets: { apiToken: d.apiToken.trim() } };
      }
      case 'intune':
        if (!/^[\w.-]{3,}$/.test(d.tenantId.trim())) return t('connIntuneNeedsTenant');
        if (!/^[\w-]{8,}$/.test(d.clientId.trim())) return t('connIntuneNeedsClient');
        return { connection: { id, kind: 'intune', name, tenantId: d.tenantId.trim(), clientId: d.clientId.trim() }, secrets: {} };
    }
  };

  const save = async (event: Event) => {
    event.preventDefault();
    if (!draft) return;
    const checked = check(draft);
    if (typeof checked === 'string') {
      setFormStatus({ tone: 'bad', text: t('nothingSaved', checked) });
      return;
    }
    // Asked first, inside the click: the browser only shows its prompt for a user's gesture.
    // Only `https://<host>[:port]/*` of a checked address reaches the browser's prompt (requestServerAccess).
    const origins = originsOf(checked.connection);
    if (origins.length && checked.connection.kind !== 'intune' && !(await requestServerAccess((sites) => deps.requestAccess({ origins: sites }), origins))) {
      setFormStatus({
        tone: 'bad',
        text: t('connNeedsPermission', new URL(checked.connection.serverUrl!).host),
      });
      return;
    }
    await deps.saveConnection(checked.connection, checked.secrets);
    setDraft(undefined);
    setFormStatus({
      tone: 'ok',
      text:
        checked.connection.kind === 'intune'
          ? t('connSavedSignIn', checked.connection.name)
          : t('connSaved', checked.connection.name),
    });
    await reload();
    deps.onChanged?.();
  };

  const remove = async (connection: Connection) => {
    await deps.removeConnection(connection.id);
    setFormStatus({ tone: 'ok', text: t('connRemoved', connection.name) });
    await reload();
    deps.onChanged?.();
  };

  const test = async (connection: Connection) => {
    setBusyId(connection.id);
    say(connection.id, undefined);
    const reply = await deps.testConnection(connection.id);
    setBusyId(undefined);
    say(
      connection.id,
      reply.ok ? { tone: 'ok', text: reply.note ?? t('connected') } : { tone: 'bad', text: t('problemWithNextStep', reply.problem.message, reply.problem.nextStep) },
    );
  };

  const signIn = async (connection: Connection) => {
    const granted = await requestServerAccess((origins) => deps.requestAccess({ origins, permissions: ['identity'] }), originsOf(connection));
    if (!granted) {
      say(connection.id, {
        tone: 'bad',
        text: t('connNeedsIdentity'),
      });
      return;
    }
    setBusyId(connection.id);
    const result = await deps.signInWithMicrosoft(connection);
    setBusyId(undefined);
    say(
      connection.id,
      result.ok ? { tone: 'ok', text: t('signedInMicrosoft') } : { tone: 'bad', text: t('problemWithNextStep', result.message, result.nextStep) },
    );
  };

  return (
    <section class="connections" aria-labelledby="connections-heading">
      <h2 id="connections-heading">{t('connectionsHeading')}</h2>
      <p class="hint">{t('connectionsIntro')}</p>
      <ul class="connection-list">
        {connections.map((connection) => (
          <li key={connection.id}>
            <section class="card" aria-label={connection.name}>
              <h3>{connection.name}</h3>
              <p class="muted">{connectionDetails(connection)}</p>
              <div class="actions">
                {connection.kind === 'intune' && (
                  <button type="button" onClick={() => signIn(connection)} disabled={busyId === connection.id}>
                    {t('signInWithMicrosoft')}
                  </button>
                )}
                <button type="button" onClick={() => test(connection)} disabled={busyId === connection.id}>
                  {busyId === connection.id ? t('testing') : t('testConnection')}
                </button>
                <button type="button" onClick={() => remove(connection)}>
                  {t('remove')}
                </button>
              </div>
              <div role="status" aria-live="polite" aria-label={t('connStatus', connection.name)}>
                {statusById[connection.id] && <p class={`notice ${statusById[connection.id]!.tone}`}>{statusById[connection.id]!.text}</p>}
              </div>
            </section>
          </li>
        ))}
      </ul>
      {draft ? (
        <form class="card" aria-label={t('addConnection')} onSubmit={save}>
          <h3>{t('addConnection')}</h3>
          <div class="field">
            <label for="connection-kind">{t('mdm')}</label>
            <select id="connection-kind" value={draft.kind} onChange={set('kind')}>
              {MDM_KINDS.map((kind) => (
                <option value={kind} key={kind}>
                  {MDM_LABELS[kind]}
                </option>
              ))}
            </select>
          </div>
          <TextField id="connection-name" label={t('name')} value={draft.name} onInput={set('name')} hint={t('connNameHint')} />
          {(draft.kind === 'jamf-pro' || draft.kind === 'fleet') && (
            <TextField
              id="connection-server"
              label={t('serverUrl')}
              // Not type=url: the browser would block "acme.jamfcloud.com" before our own check adds https://.
              inputMode="url"
              value={draft.serverUrl}
              onInput={set('serverUrl')}
              hint={draft.kind === 'jamf-pro' ? t('jamfServerHint') : t('fleetServerHint')}
            />
          )}
          {draft.kind === 'addigy' && (
            <TextField id="connection-api-key" label={t('apiKey')} secret value={draft.apiKey} onInput={set('apiKey')} hint={t('addigyKeyHint')} />
          )}
          {draft.kind === 'jamf-pro' && (
            <>
              <TextField id="connection-client-id" label={t('clientId')} value={draft.clientId} onInput={set('clientId')} hint={t('jamfClientHint')} />
              <TextField id="connection-client-secret" label={t('clientSecret')} secret value={draft.clientSecret} onInput={set('clientSecret')} />
            </>
          )}
          {draft.kind === 'fleet' && (
            <TextField id="connection-api-token" label={t('apiToken')} secret value={draft.apiToken} onInput={set('apiToken')} hint={t('fleetTokenHint')} />
          )}
          {draft.kind === 'intune' && (
            <>
              <TextField id="connection-tenant" label={t('tenantId')} value={draft.tenantId} onInput={set('tenantId')} hint={t('intuneTenantHint')} />
              <TextField id="connection-intune-client" label={t('clientId')} value={draft.clientId} onInput={set('clientId')} hint={t('intuneClientHint')} />
              <p class="hint">{tParts('intuneRedirect', <code>{deps.microsoftRedirectUrl()}</code>)}</p>
            </>
          )}
          <div class="actions">
            <button class="primary" type="submit">
              {t('save')}
            </button>
            <button type="button" onClick={() => setDraft(undefined)}>
              {t('cancel')}
            </button>
          </div>
        </form>
      ) : (
        <div class="actions">
          <button type="button" onClick={() => (setDraft({ ...EMPTY }), setFormStatus(undefined))}>
            {t('addConnection')}
          </button>
        </div>
      )}
      <div role="status" aria-live="polite" aria-labelledby="connections-heading">
        {formStatus && <p class={`notice ${formStatus.tone}`}>{formStatus.text}</p>}
      </div>
    </section>
  );
}

/** "Jamf Pro · acme.jamfcloud.com", "Microsoft Intune · tenant contoso.onmicrosoft.com". */
function connectionDetails(connection: Connection): string {
  const more = [
    connection.serverUrl ? new URL(connection.serverUrl).host : '',
    connection.kind === 'addigy' ? 'api.addigy.com' : '',
    connection.kind === 'intune' ? t('connTenant', connection.tenantId ?? '') : '',
  ].filter(Boolean);
  return more.reduce((details, next) => t('connDetail', details, next), MDM_LABELS[connection.kind] as string);
}

function TextField(props: { id: string; label: string; value: string; onInput: (e: Event) => void; hint?: string; secret?: boolean; inputMode?: 'url' }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        type={props.secret ? 'password' : 'text'}
        inputMode={props.inputMode}
        autocomplete="off"
        spellcheck={false}
        value={props.value}
        onInput={props.onInput}
        aria-describedby={props.hint ? `${props.id}-hint` : undefined}
      />
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
    </div>
  );
}
