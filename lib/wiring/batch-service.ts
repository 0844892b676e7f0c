import { BatchRunner, type AppleBatchPort } from '../batch/batch-runner';
import type { BatchRecord } from '../batch/batch-record';
import { dueGroups } from '../batch/plan-batch';
import type { AppleSite, TokenHealth } from '../health/health-state';
import type { RenewalMachine } from '../renewal/renewal-machine';
import { idbBatchStore } from '../storage/batch-store';

/**
 * Batch renewal as the background runs it: batches in IndexedDB, the renewal pipeline, Apple's page in the admin's tab.
 * `health` must read the connections afresh (the watch), never storage a content script can write.
 */
export function createBatchService(input: {
  machine: RenewalMachine;
  apple: AppleBatchPort;
  health(): Promise<TokenHealth[]>;
  onChange(batch: BatchRecord): void;
}): BatchRunner {
  return new BatchRunner({ store: idbBatchStore, renewals: input.machine, apple: input.apple, health: input.health, onChange: input.onChange });
}

/** The due locations of one Apple site, by name: what Send all on that site's page counts. No secrets. */
export function dueLocationsOn(site: AppleSite, health: readonly TokenHealth[]): string[] {
  return dueGroups(health)
    .filter((group) => group.site === site)
    .flatMap((group) => group.tokens.map((token) => token.locationName));
}
