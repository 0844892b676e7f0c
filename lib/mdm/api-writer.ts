import { err, ok } from '../result';
import { uncertainWrite, type MdmAdapter } from './mdm-adapter';
import type { RenewalWriter } from './renewal-writer';
import { t } from '../i18n/messages';

/**
 * The writer of an MDM that renews through its own API (Jamf Pro, Intune, Fleet). Preparing sends nothing: the
 * details the admin confirms are the token as the MDM's list gave it. Committing is the adapter's reclaim (when the
 * admin said yes to taking the location over) and its renew call.
 */
export class ApiRenewalWriter implements RenewalWriter {
  readonly preparesWithFile = false;
  readonly commitAnswersAtOnce = false;

  constructor(private readonly adapter: Pick<MdmAdapter, 'renew' | 'reclaim'>) {}

  async prepare(job: Parameters<RenewalWriter['prepare']>[0]) {
    const { token } = job;
    return ok({
      shown: { idNumber: token.id, name: token.locationName ?? job.location, appleId: token.appleId ?? '', organization: token.orgName ?? '' },
    });
  }

  async commit(...[job, fileText, , options]: Parameters<RenewalWriter['commit']>) {
    if (options.reclaim && this.adapter.reclaim) {
      const reclaimed = await this.adapter.reclaim(job.token.id);
      if (!reclaimed.ok) return err(reclaimed.error);
      await options.reclaimed();
    }
    if (!this.adapter.renew) {
      return err({ kind: 'bad-settings', message: t('problemCannotRenewATokenThroughIts', job.connectionName), nextStep: t('problemRenewItInTheMDMBy'), transient: false } as const);
    }
    const renewed = await this.adapter.renew(job.token.id, fileText);
    if (!renewed.ok) return err(renewed.error);
    return ok({ landed: true as const });
  }

  /** A renew is not idempotent: send it again, and when the last try may have landed, ask Apple about the file first. */
  async recover(...[, situation]: Parameters<RenewalWriter['recover']>) {
    return { kind: 'recommit' as const, recheckApple: situation.resumed || uncertainWrite(situation.lastFailure) };
  }
}

/** The adapter with its API writer. */
export function withApiWriter<A extends MdmAdapter>(adapter: A): A & { writer: RenewalWriter } {
  return Object.assign(adapter, { writer: adapter.writer ?? new ApiRenewalWriter(adapter) });
}
