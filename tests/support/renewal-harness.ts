import { AddigyAdapter } from '../../lib/mdm/addigy/addigy-adapter';
import type { AddigyApi } from '../../lib/mdm/addigy/addigy-client';
import { AddigyConsoleWriter, type ConsoleBounds, type ConsolePathStore } from '../../lib/mdm/addigy/console-writer';
import type { AddigyConsoleApi } from '../../lib/addigy-console/console-port';
import type { ConsoleTabEvents } from '../../lib/addigy-console/console-tabs';
import { withApiWriter } from '../../lib/mdm/api-writer';
import type { MdmAdapter, MdmKind, RenewalConnection, RetryNotice } from '../../lib/mdm/mdm-adapter';
import { RenewalMachine, type RenewalDeps } from '../../lib/renewal/renewal-machine';

export { CONSOLE_BOUNDS } from '../../lib/mdm/addigy/console-writer';

/** A connection as a test lists it: Addigy by its read-only API, any other MDM by its adapter. */
export interface ConnectionHandle {
  connection: { id: string; kind: MdmKind; name: string };
  addigy?(onRetry: (notice: RetryNotice) => void): AddigyApi;
  adapter?(onRetry: (notice: RetryNotice) => void): MdmAdapter;
}

/**
 * What a renewal test gives: the Addigy connection of Options' first row as a key (undefined: not set up) and a
 * client, the console tabs, and any further connections. The harness wires them as the background does
 * (lib/wiring/renewal-service.ts): every connection an adapter with its writer, Addigy's the console writer.
 */
export interface RenewalTestDeps extends Omit<RenewalDeps, 'connections'> {
  loadApiKey(): Promise<string | undefined>;
  createAddigy(config: { baseUrl: string; apiKey: string }, onRetry: (notice: RetryNotice) => void): AddigyApi;
  console: AddigyConsoleApi;
  listConnections?(): Promise<ConnectionHandle[]>;
  consoleBounds?: Partial<ConsoleBounds>;
  /** Where the console writer keeps the way a guided renewal took. */
  consolePaths?: ConsolePathStore;
}

/** The pipeline, with the console tab's events (as the console writer takes them) on the same object. */
export type RenewalHarness = RenewalMachine & ConsoleTabEvents;

export function renewalMachineFor(deps: RenewalTestDeps): RenewalHarness {
  const writer = new AddigyConsoleWriter(deps.console, { bounds: deps.consoleBounds, now: deps.now, paths: deps.consolePaths });
  const connections = async (): Promise<RenewalConnection[]> => {
    const list: RenewalConnection[] = [];
    const apiKey = await deps.loadApiKey();
    if (apiKey) {
      list.push({
        connection: { id: 'addigy', kind: 'addigy', name: 'Addigy' },
        adapter: (onRetry) => new AddigyAdapter(deps.createAddigy({ baseUrl: 'https://api.addigy.com/api/v2', apiKey }, onRetry), writer),
      });
    }
    for (const handle of (await deps.listConnections?.()) ?? []) {
      const { addigy, adapter } = handle;
      if (addigy) list.push({ connection: handle.connection, adapter: (onRetry) => new AddigyAdapter(addigy(onRetry), writer) });
      else if (adapter) list.push({ connection: handle.connection, adapter: (onRetry) => withApiWriter(adapter(onRetry)) });
    }
    return list;
  };
  const machine = new RenewalMachine({ ...deps, connections });
  writer.attach(machine.writeHost);
  return Object.assign(machine, {
    fileForConsole: writer.fileForConsole.bind(writer),
    consoleReport: writer.consoleReport.bind(writer),
    consoleNeedsSignIn: writer.consoleNeedsSignIn.bind(writer),
    consoleTabLoaded: writer.consoleTabLoaded.bind(writer),
    consoleTabClosed: writer.consoleTabClosed.bind(writer),
  });
}
