import { useEffect, useState } from 'preact/hooks';
import type { IntentReply } from '../lib/messaging/messages';
import { MDM_KINDS, MDM_LABELS, type MdmKind } from '../lib/mdm/mdm-adapter';
import { normaliseServerUrl } from '../lib/mdm/mdm-http';
import { isAddigyHost } from '../lib/mdm/addigy/addigy-host';
import { addressFaultMessage, checkServerAddress, requestServerAccess } from '../lib/permissions/server-address';
import { PRIMARY_ADDIGY, type Connection, type ConnectionSecrets } from '../lib/storage/connections';
import { originsOf } from '../lib/mdm/connection-origins';

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
    if (!name) return 'Give the connection a name, for example the organisation it serves.';
    const id = deps.newConnectionId(d.kind);
    switch (d.kind) {
      case 'addigy':
        if (!d.apiKey.trim()) return 'Paste this organisation’s Addigy API key (V2).';
        return { connection: { id, kind: 'addigy', name }, secrets: { apiKey: d.apiKey.trim() } };
      case 'jamf-pro':
      case 'fleet': {
        const address = checkServerAddress(d.serverUrl, { schemeOptional: true });
        const serverUrl = normaliseServerUrl(d.serverUrl);
        if (!address.ok || !serverUrl) {
          return addressFaultMessage(address.ok ? 'not-a-url' : address.fault, d.kind === 'jamf-pro' ? 'https://yourcompany.jamfcloud.com' : 'https://fleet.example.com');
        }
        if (isAddigyHost(new URL(serverUrl).hostname)) return 'That is an Addigy address: choose Addigy as the MDM.';
        if (d.kind === 'jamf-pro') {
          if (!d.clientId.trim() || !d.clientSecret.trim()) return 'Jamf Pro needs the API client’s Client ID and Client secret.';
          return { connection: { id, kind: 'jamf-pro', name, serverUrl, clientId: d.clientId.trim() }, secrets: { clientSecret: d.clientSecret.trim() } };
        }
        if (!d.apiToken.trim()) return 'Fleet needs an API token (an API-only user’s token).';
        return { connection: { id, kind: 'fleet', name, serverUrl }, secrets: { apiToken: d.apiToken.trim() } };
      }
      case 'intune':
        if (!/^[\w.-]{3,}$/.test(d.tenantId.trim())) return 'Paste the Directory (tenant) ID from your app registration in Microsoft Entra.';
        if (!/^[\w-]{8,}$/.test(d.clientId.trim())) return 'Paste the Application (client) ID from your app registration in Microsoft Entra.';
        return { connection: { id, kind: 'intune', name, tenantId: d.tenantId.trim(), clientId: d.clientId.trim() }, secrets: {} };
    }
  };

  const save = async (event: Event) => {
    event.preventDefault();
    if (!draft) return;
    const checked = check(draft);
    if (typeof checked === 'string') {
      setFormStatus({ tone: 'bad', text: `${checked} Nothing was saved.` });
      return;
    }
    // Asked first, inside the click: the browser only shows its prompt for a user's gesture.
    // Only `https://<host>[:port]/*` of a checked address reaches the browser's prompt (requestServerAccess).
    const origins = originsOf(checked.connection);
    if (origins.length && checked.connection.kind !== 'intune' && !(await requestServerAccess((sites) => deps.requestAccess({ origins: sites }), origins))) {
      setFormStatus({
        tone: 'bad',
        text: `Token Relay needs permission to reach ${new URL(checked.connection.serverUrl!).host}, the only place this connection’s secret goes. Nothing was saved; allow access when the browser asks.`,
      });
      return;
    }
    await deps.saveConnection(checked.connection, checked.secrets);
    setDraft(undefined);
    setFormStatus({
      tone: 'ok',
      text:
        checked.connection.kind === 'intune'
          ? `Saved ${checked.connection.name}. Now choose Sign in with Microsoft for it.`
          : `Saved ${checked.connection.name}.`,
    });
    await reload();
    deps.onChanged?.();
  };

  const remove = async (connection: Connection) => {
    await deps.removeConnection(connection.id);
    setFormStatus({ tone: 'ok', text: `Removed ${connection.name}. Its credentials are deleted from this browser.` });
    await reload();
    deps.onChanged?.();
  };

  const test = async (connection: Connection) => {
    setBusyId(connection.id);
    say(connection.id, undefined);
    const reply = await deps.testConnection(connection.id);
    setBusyId(undefined);
    say(connection.id, reply.ok ? { tone: 'ok', text: reply.note ?? 'Connected.' } : { tone: 'bad', text: `${reply.problem.message} ${reply.problem.nextStep}` });
  };

  const signIn = async (connection: Connection) => {
    const granted = await requestServerAccess((origins) => deps.requestAccess({ origins, permissions: ['identity'] }), originsOf(connection));
    if (!granted) {
      say(connection.id, {
        tone: 'bad',
        text: 'Token Relay needs the browser’s sign-in permission and access to login.microsoftonline.com and graph.microsoft.com to sign in with Microsoft. Allow them when the browser asks.',
      });
      return;
    }
    setBusyId(connection.id);
    const result = await deps.signInWithMicrosoft(connection);
    setBusyId(undefined);
    say(connection.id, result.ok ? { tone: 'ok', text: 'Signed in with Microsoft.' } : { tone: 'bad', text: `${result.message} ${result.nextStep}` });
  };

  return (
    <section class="connections" aria-labelledby="connections-heading">
      <h2 id="connections-heading">Connections</h2>
      <p class="hint">
        The Addigy section above is your first connection. Add more for other Addigy organisations (each with its own API key), Jamf
        Pro, Microsoft Intune or Fleet. Each connection’s secret stays in this browser profile and is sent only to that connection’s
        own server.
      </p>
      <ul class="connection-list">
        {connections.map((connection) => (
          <li key={connection.id}>
            <section class="card" aria-label={connection.name}>
              <h3>{connection.name}</h3>
              <p class="muted">
                {MDM_LABELS[connection.kind]}
                {connection.serverUrl ? ` · ${new URL(connection.serverUrl).host}` : ''}
                {connection.kind === 'addigy' ? ' · api.addigy.com' : ''}
                {connection.kind === 'intune' ? ` · tenant ${connection.tenantId}` : ''}
              </p>
              <div class="actions">
                {connection.kind === 'intune' && (
                  <button type="button" onClick={() => signIn(connection)} disabled={busyId === connection.id}>
                    Sign in with Microsoft
                  </button>
                )}
                <button type="button" onClick={() => test(connection)} disabled={busyId === connection.id}>
                  {busyId === connection.id ? 'Testing…' : 'Test connection'}
                </button>
                <button type="button" onClick={() => remove(connection)}>
                  Remove
                </button>
              </div>
              <div role="status" aria-live="polite" aria-label={`${connection.name}: status`}>
                {statusById[connection.id] && <p class={`notice ${statusById[connection.id]!.tone}`}>{statusById[connection.id]!.text}</p>}
              </div>
            </section>
          </li>
        ))}
      </ul>
      {draft ? (
        <form class="card" aria-label="Add connection" onSubmit={save}>
          <h3>Add connection</h3>
          <div class="field">
            <label for="connection-kind">MDM</label>
            <select id="connection-kind" value={draft.kind} onChange={set('kind')}>
              {MDM_KINDS.map((kind) => (
                <option value={kind} key={kind}>
                  {MDM_LABELS[kind]}
                </option>
              ))}
            </select>
          </div>
          <TextField id="connection-name" label="Name" value={draft.name} onInput={set('name')} hint="How Token Relay names it, e.g. the organisation." />
          {(draft.kind === 'jamf-pro' || draft.kind === 'fleet') && (
            <TextField
              id="connection-server"
              label="Server URL"
              // Not type=url: the browser would block "acme.jamfcloud.com" before our own check adds https://.
              inputMode="url"
              value={draft.serverUrl}
              onInput={set('serverUrl')}
              hint={draft.kind === 'jamf-pro' ? 'e.g. https://yourcompany.jamfcloud.com, or your own Jamf Pro server.' : 'Your Fleet server, e.g. https://fleet.example.com.'}
            />
          )}
          {draft.kind === 'addigy' && (
            <TextField id="connection-api-key" label="API key" secret value={draft.apiKey} onInput={set('apiKey')} hint="This organisation’s Addigy API key (V2). Sent only to api.addigy.com." />
          )}
          {draft.kind === 'jamf-pro' && (
            <>
              <TextField id="connection-client-id" label="Client ID" value={draft.clientId} onInput={set('clientId')} hint="Jamf Pro → Settings → API roles and clients: a client with Read and Update Volume Purchasing Locations." />
              <TextField id="connection-client-secret" label="Client secret" secret value={draft.clientSecret} onInput={set('clientSecret')} />
            </>
          )}
          {draft.kind === 'fleet' && (
            <TextField id="connection-api-token" label="API token" secret value={draft.apiToken} onInput={set('apiToken')} hint="An API-only user’s token. Apps and Books tokens need Fleet Premium." />
          )}
          {draft.kind === 'intune' && (
            <>
              <TextField id="connection-tenant" label="Tenant ID" value={draft.tenantId} onInput={set('tenantId')} hint="Directory (tenant) ID of your app registration in Microsoft Entra." />
              <TextField id="connection-intune-client" label="Client ID" value={draft.clientId} onInput={set('clientId')} hint="Application (client) ID of that app registration." />
              <p class="hint">
                Register this redirect URI as a single-page application in the app registration: <code>{deps.microsoftRedirectUrl()}</code>. After
                saving, choose Sign in with Microsoft.
              </p>
            </>
          )}
          <div class="actions">
            <button class="primary" type="submit">
              Save
            </button>
            <button type="button" onClick={() => setDraft(undefined)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <div class="actions">
          <button type="button" onClick={() => (setDraft({ ...EMPTY }), setFormStatus(undefined))}>
            Add connection
          </button>
        </div>
      )}
      <div role="status" aria-live="polite" aria-labelledby="connections-heading">
        {formStatus && <p class={`notice ${formStatus.tone}`}>{formStatus.text}</p>}
      </div>
    </section>
  );
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
