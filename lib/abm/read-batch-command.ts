import type { BatchCommand } from './batch-commands';
import { SEND_TARGETS } from '../mdm/send-target-key';

// The batch script's own check of a command, without zod: zod/mini alone is ~4.5 KB gzipped, more than half the
// script's budget. It accepts exactly what `batchCommandSchema` accepts (tests/lib/abm/batch-commands.test.ts holds
// the two side by side), and builds a fresh command from the fields it checked, as a zod parse does.

const isName = (value: unknown, minLength: number): value is string =>
  typeof value === 'string' && value.length >= minLength && value.length <= 200;

/** The command in `message`, or undefined when it is not one. */
export function readBatchCommand(message: unknown): BatchCommand | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { type, dueLocations, target, locationName } = message as Record<string, unknown>;
  if (type === 'batch:list-locations') return { type };
  if (type === 'batch:download') return isName(locationName, 1) ? { type, locationName } : undefined;
  if (type !== 'batch:offer' || !Array.isArray(dueLocations) || dueLocations.length > 500) return undefined;
  if (!dueLocations.every((name) => isName(name, 0))) return undefined;
  if (!(SEND_TARGETS as readonly unknown[]).includes(target)) return undefined;
  return { type, dueLocations: [...(dueLocations as string[])], target: target as (typeof SEND_TARGETS)[number] };
}
