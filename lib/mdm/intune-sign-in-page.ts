import { browser } from 'wxt/browser';
import { saveConnectionSession, type Connection } from '../storage/connections';
import { signInWithMicrosoft } from './intune';
import { t } from '../i18n/messages';

/**
 * Sign in with Microsoft, from Options (an extension page, inside the admin's click): the authorization code flow
 * with PKCE through the browser's identity API, then the session is kept with the connection in IndexedDB.
 */
export async function signInToIntune(connection: Connection): Promise<{ ok: true } | { ok: false; message: string; nextStep: string }> {
  if (!browser.identity?.launchWebAuthFlow) {
    return {
      ok: false,
      message: t('problemTheBrowserDidNotGiveToken2'),
      nextStep: t('problemChooseSignInWithMicrosoftAgain2'),
    };
  }
  const signedIn = await signInWithMicrosoft({
    tenantId: connection.tenantId ?? '',
    clientId: connection.clientId ?? '',
    redirectUri: browser.identity.getRedirectURL(),
    launchWebAuthFlow: (details) => browser.identity.launchWebAuthFlow(details),
  });
  if (!signedIn.ok) return { ok: false, message: signedIn.error.message, nextStep: signedIn.error.nextStep };
  const { accessToken, refreshToken, expiresAt } = signedIn.value;
  await saveConnectionSession(connection.id, { accessToken, refreshToken, expiresAt });
  return { ok: true };
}
