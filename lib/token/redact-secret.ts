/** Replaces any long base64 run (a partial or re-encoded copy of a token) in someone else's words. */
export function redactBase64Runs(text: string): string {
  return text.replace(/[A-Za-z0-9+/]{40,}={0,2}/g, '[redacted]');
}

/** Replaces every copy of a secret (and, if given, the file's inner token) in `text` with `[token]`. */
export function redactSecret(text: string, secret: string, innerToken?: string): string {
  let redacted = text;
  for (const value of [secret, innerToken]) {
    if (!value) continue;
    // The raw value, its whitespace-free form (as sent in a header) and its URL-encoded form.
    const forms = new Set([value, value.replace(/\s+/g, ''), encodeURIComponent(value.replace(/\s+/g, ''))]);
    // Longest first, so a longer form is not left half-redacted by a shorter one.
    for (const form of Array.from(forms).sort((a, b) => b.length - a.length)) {
      if (form) redacted = redacted.split(form).join('[token]');
    }
  }
  return redacted;
}
