import * as z from 'zod/mini';
import { openTokenRelayDb } from './database';

/**
 * The way an admin took through a web console in a guided renewal that succeeded, per console origin: the route's
 * shape and the accessible names of the controls pressed. No values (the sender keeps only UI words and
 * placeholders); checked again here, on the way in and out.
 */
export const rememberedPathSchema = z.object({
  route: z.string().check(z.maxLength(300)),
  controls: z.array(z.string().check(z.maxLength(300))).check(z.maxLength(12)),
});
export type RememberedPath = z.infer<typeof rememberedPathSchema>;

export async function loadConsolePath(origin: string): Promise<RememberedPath | undefined> {
  const stored = await (await openTokenRelayDb()).get('consolePaths', origin);
  const parsed = rememberedPathSchema.safeParse(stored && { route: stored.route, controls: stored.controls });
  return parsed.success ? parsed.data : undefined;
}

export async function saveConsolePath(origin: string, path: RememberedPath, now = new Date()): Promise<void> {
  const checked = rememberedPathSchema.parse(path);
  await (await openTokenRelayDb()).put('consolePaths', { ...checked, savedAt: now.toISOString() }, origin);
}

/** The remembered path failed on the console: forget it, so the next renewal is guided afresh. */
export async function forgetConsolePath(origin: string): Promise<void> {
  await (await openTokenRelayDb()).delete('consolePaths', origin);
}
