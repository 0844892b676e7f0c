/** Failures cross module boundaries as values, never as thrown errors. */
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const err = <E>(error: E): { ok: false; error: E } => ({ ok: false, error });

/** What went wrong, in words a person can act on. */
export interface Problem<K extends string = string> {
  kind: K;
  /** What happened, one or two plain sentences. Never contains a token. */
  message: string;
  /** What the user should do next. */
  nextStep: string;
}
