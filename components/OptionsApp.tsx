import { useEffect, useState } from 'preact/hooks';
import type { IntentReply } from '../lib/messaging/messages';
import { isAddigyHost } from '../lib/mdm/addigy/addigy-host';
import { addressFaultMessage, checkServerAddress, originPatternFor, requestServerAccess } from '../lib/permissions/server-address';
import { DEFAULT_ADDIGY_BASE_URL, normaliseBaseUrl, type Settings } from '../lib/storage/settings';
import { SiteAccessNotice } from './SiteAccessNotice';
import { ConnectionsSection, type ConnectionsDeps } from './ConnectionsSection';
import { t } from '../lib/i18n/messages';

export interface OptionsDeps {
  /** The Addigy section's key: the API key of the connection `addigy` (lib/storage/connections.ts). */
  loadApiKey(): Promise<string | undefined>;
  /** An empty key means no key. */
  saveApiKey(key: string): Promise<void>;
  /** `addigyBaseUrl` is the connection `addigy`'s address. */
  loadSettings(): Promise<Settings>;
  saveSettings(patch: Partial<Settings>): Promise<Settings>;
  /** Asks the browser for access to a non-default Addigy host; must run inside the click. */
  requestHostPermission(originPattern: string): Promise<boolean>;
  testConnection(): Promise<IntentReply>;
  /** The other connections (other Addigy organisations, Jamf Pro, Intune, Fleet); the list leaves out the `addigy` one edited here. */
  connections?: ConnectionsDeps;
}

type Status = { tone: 'ok' | 'bad'; text: string } | undefined;

function parseReminderDays(text: string): number[] | undefined {
  const days = text
    .split(/[,\s]+/)
    .filter(Boolean)
    .map(Number);
  if (!days.length || days.some((d) => !Number.isInteger(d) || d < 0 || d > 365)) return undefined;
  return [...new Set(days)].sort((a, b) => b - a);
}

export function OptionsApp({ deps }: { deps: OptionsDeps }) {
  const [apiKey, setApiKey] = useState('');
  const [showKey, setShowKey] = useState(false);
  const [baseUrl, setBaseUrl] = useState(DEFAULT_ADDIGY_BASE_URL);
  // Where the key goes is what is stored, not what is being typed.
  const [savedHost, setSavedHost] = useState(new URL(DEFAULT_ADDIGY_BASE_URL).host);
  const [appleVerification, setAppleVerification] = useState(true);
  const [reminderDays, setReminderDays] = useState('30, 14, 7, 1');
  const [status, setStatus] = useState<Status>();
  const [testing, setTesting] = useState(false);

  useEffect(() => {
    void Promise.all([deps.loadApiKey(), deps.loadSettings()]).then(([key, settings]) => {
      setApiKey(key ?? '');
      setBaseUrl(settings.addigyBaseUrl);
      setSavedHost(new URL(settings.addigyBaseUrl).host);
      setAppleVerification(settings.appleVerification);
      setReminderDays(settings.reminderDays.join(', '));
    });
  }, [deps]);

  /** Validates and stores the form; on a refusal says why and returns false. */
  const persist = async (): Promise<boolean> => {
    const address = checkServerAddress(baseUrl);
    const url = normaliseBaseUrl(baseUrl);
    if (!address.ok || !url) {
      const fault = address.ok ? 'not-a-url' : address.fault;
      setStatus({ tone: 'bad', text: t('addressFaultNothingSaved', addressFaultMessage(fault, DEFAULT_ADDIGY_BASE_URL)) });
      return false;
    }
    const days = parseReminderDays(reminderDays);
    if (!days) {
      setStatus({ tone: 'bad', text: t('reminderDaysInvalid') });
      return false;
    }
    if (!isAddigyHost(new URL(url).hostname)) {
      setStatus({
        tone: 'bad',
        text: t('keyOnlyToAddigy', new URL(url).host),
      });
      return false;
    }
    if (new URL(url).origin !== new URL(DEFAULT_ADDIGY_BASE_URL).origin) {
      // Only `https://<host>[:port]/*` of a checked address reaches the browser's prompt.
      const granted = await requestServerAccess(([origin]) => deps.requestHostPermission(origin!), [originPatternFor(url) ?? '']);
      if (!granted) {
        setStatus({
          tone: 'bad',
          text: t('needsPermissionFor', new URL(url).host),
        });
        return false;
      }
    }
    await deps.saveApiKey(apiKey);
    await deps.saveSettings({ addigyBaseUrl: url, appleVerification, reminderDays: days });
    setBaseUrl(url);
    setSavedHost(new URL(url).host);
    return true;
  };

  const save = async (event: Event) => {
    event.preventDefault();
    if (await persist()) setStatus({ tone: 'ok', text: t('saved') });
  };

  // The background tests what is stored, so the key and address as typed are saved first.
  const test = async () => {
    setTesting(true);
    setStatus(undefined);
    if (!(await persist())) {
      setTesting(false);
      return;
    }
    const reply = await deps.testConnection();
    setTesting(false);
    setStatus(
      reply.ok
        ? { tone: 'ok', text: reply.note ?? t('connected') }
        : { tone: 'bad', text: t('problemWithNextStep', reply.problem.message, reply.problem.nextStep) },
    );
  };

  return (
    <main class="options">
      <h1>{t('optionsHeading')}</h1>
      <SiteAccessNotice />
      <h2 id="addigy-heading">Addigy</h2>
      {/* noValidate: Token Relay's own check says what is wrong with an address; the browser's may not let it speak. */}
      <form onSubmit={save} aria-labelledby="addigy-heading" noValidate>
        <div class="field">
          <label for="api-key">{t('apiKey')}</label>
          <input
            id="api-key"
            type={showKey ? 'text' : 'password'}
            autocomplete="off"
            spellcheck={false}
            value={apiKey}
            onInput={(e) => setApiKey((e.target as HTMLInputElement).value)}
          />
          <p class="hint" id="api-key-hint">
            {t('apiKeyHint')}
          </p>
          <label class="inline">
            <input type="checkbox" checked={showKey} onChange={() => setShowKey(!showKey)} /> {t('showKey')}
          </label>
        </div>
        <details class="advanced">
          <summary>{t('advanced')}</summary>
          <div class="field">
            <label for="base-url">{t('addigyApiAddress')}</label>
            <input
              id="base-url"
              type="url"
              value={baseUrl}
              onInput={(e) => setBaseUrl((e.target as HTMLInputElement).value)}
            />
            <p class="hint">{t('addigyApiAddressHint', DEFAULT_ADDIGY_BASE_URL)}</p>
          </div>
          <div class="field">
            <label class="inline">
              <input
                type="checkbox"
                checked={appleVerification}
                onChange={() => setAppleVerification(!appleVerification)}
              />{' '}
              {t('checkWithApple')}
            </label>
          </div>
          <div class="field">
            <label for="reminder-days">{t('reminderDays')}</label>
            <input id="reminder-days" value={reminderDays} onInput={(e) => setReminderDays((e.target as HTMLInputElement).value)} />
          </div>
        </details>
        <div class="actions">
          <button class="primary" type="submit">
            {t('save')}
          </button>
          <button type="button" onClick={test} disabled={testing}>
            {testing ? t('testing') : t('testConnection')}
          </button>
        </div>
      </form>
      <p class="hint" id="where-secrets-go">
        {t('whereSecretsGo', savedHost)}
      </p>
      <div role="status" aria-live="polite" aria-labelledby="addigy-heading">
        {status && <p class={`notice ${status.tone}`}>{status.text}</p>}
      </div>
      {deps.connections && <ConnectionsSection deps={deps.connections} />}
    </main>
  );
}
