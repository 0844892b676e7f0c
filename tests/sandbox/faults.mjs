// @ts-check
/** Failures tests can schedule: each is used up after `times` matching requests. */

/**
 * @typedef {'list-tokens' | 'preview-renewal' | 'renew' | 'request-sync' | 'list-token-events'} AddigyCall
 * @typedef {{ call: AddigyCall | '*', status?: number, times: number, retryAfter?: number | string, body?: unknown, hang?: boolean }} AddigyFault
 * @typedef {{ status?: number, errorNumber?: number, times: number, retryAfter?: number | string, hang?: boolean }} AppleFault
 * @typedef {{
 *   addigy: AddigyFault[],
 *   apple: AppleFault[],
 *   scanErrors: Record<string, string>,
 *   syncingPolls: Record<string, number>,
 * }} FaultState
 */

/** @returns {FaultState} */
export function createFaultState() {
  return { addigy: [], apple: [], scanErrors: {}, syncingPolls: {} };
}

/** Empties the fault lists in place, so references held elsewhere stay valid. */
export function clearFaults(/** @type {FaultState} */ faults) {
  faults.addigy.length = 0;
  faults.apple.length = 0;
  for (const key of Object.keys(faults.scanErrors)) delete faults.scanErrors[key];
  for (const key of Object.keys(faults.syncingPolls)) delete faults.syncingPolls[key];
}

/**
 * The first scheduled fault that applies, used up by one.
 * @template {{ times: number }} F
 * @param {F[]} list
 * @param {(fault: F) => boolean} [applies]
 * @returns {F | undefined}
 */
export function takeFault(list, applies = () => true) {
  const fault = list.find((candidate) => candidate.times > 0 && applies(candidate));
  if (fault) fault.times -= 1;
  return fault;
}
