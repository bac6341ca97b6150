/**
 * The sidecar's address travels downstream in W3C `baggage` as `sentry-spotlight=<url-encoded URL>`:
 * SDKs put every `sentry-` entry of the dynamic sampling context there, so a `spotlight` key in the
 * context is propagated by the SDK itself, and a downstream SDK keeps passing it on.
 */
export const SPOTLIGHT_DSC_KEY = 'spotlight';
export const SPOTLIGHT_BAGGAGE_KEY = `sentry-${SPOTLIGHT_DSC_KEY}`;

/** The raw (decoded, not yet validated) sidecar URL a `baggage` header carries, if any. */
export function spotlightUrlFromBaggage(header: string | readonly string[] | null | undefined): string | undefined {
  if (!header) return undefined;
  const text = typeof header === 'string' ? header : header.join(',');
  if (!text.includes(SPOTLIGHT_BAGGAGE_KEY)) return undefined;
  for (const member of text.split(',')) {
    const eq = member.indexOf('=');
    if (eq < 0 || member.slice(0, eq).trim() !== SPOTLIGHT_BAGGAGE_KEY) continue;
    // Properties after ';' belong to the member, not to the value.
    const value =
      member
        .slice(eq + 1)
        .split(';')[0]
        ?.trim() ?? '';
    try {
      return decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}
