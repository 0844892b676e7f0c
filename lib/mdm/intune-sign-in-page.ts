import type { Connection } from '../storage/connections';

/** Sign in with Microsoft, from Options (an extension page, inside the admin's click). Filled in by the Intune adapter. */
export async function signInToIntune(_connection: Connection): Promise<{ ok: true } | { ok: false; message: string; nextStep: string }> {
  return { ok: false, message: 'This version of Token Relay cannot sign in to Microsoft yet.', nextStep: 'Update Token Relay.' };
}
