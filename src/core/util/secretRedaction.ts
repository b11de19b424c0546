// Keeps API keys out of what leaves the extension's control: tool outputs (a command may print an environment
// variable holding a key) and thread exports (a user may paste a key into a message). Two nets: the keys the user
// stored (exact matches, whatever their shape) and text shaped like a common key or bearer token.

/** What replaces a secret. */
export const REDACTED = '[redacted secret]';

// Shorter "secrets" (placeholders such as "none" or "test") would shred ordinary words.
const MIN_SECRET_LENGTH = 8;

// Shapes of real keys: long and random-looking (letters and digits), so that names such as "sk-learn" or
// "sk-learn-transformers" stay readable.
const KEY_SHAPES: RegExp[] = [
  /\b(?:sk|pk|rk)-[A-Za-z0-9_-]{16,}/g, // OpenAI, Anthropic (sk-ant-…), Stripe-style keys
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g, // GitHub tokens
  /\bAIza[0-9A-Za-z_-]{30,}/g, // Google API keys
];
// Looser nets for exports and reports: a bearer token or an "api_key=…" value, when the value looks random (16+
// characters with letters and digits), so that code such as `apiKey: config.apiKey` stays as it is.
const BEARER = /\b(Bearer\s+)([A-Za-z0-9._~+/=-]{16,})/gi;
const KEY_ASSIGNMENT = /\b((?:api[-_]?key|x-api-key|authorization)["']?\s*[:=]\s*["']?)([A-Za-z0-9._~+/=-]{16,})/gi;
const looksRandom = (value: string) => /\d/.test(value) && /[A-Za-z]/.test(value);

/**
 * `text` with the stored keys and text shaped like a well-known key (sk-…, ghp_…, AIza…) replaced by REDACTED. Safe
 * for tool outputs the model works with: ordinary source code is left intact.
 */
export function redactKnownSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let result = text;
  // Longest first, so a key that contains another key is replaced whole.
  for (const secret of [...knownSecrets].sort((a, b) => b.length - a.length)) {
    if (secret.length >= MIN_SECRET_LENGTH) result = result.split(secret).join(REDACTED);
  }
  for (const shape of KEY_SHAPES) result = result.replace(shape, (match) => (looksRandom(match.slice(3)) ? REDACTED : match));
  return result;
}

/** redactKnownSecrets plus random-looking bearer tokens and api-key values: for exports and reports, which people share. */
export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  const keep = (match: string, prefix: string, value: string) => (looksRandom(value) ? `${prefix}${REDACTED}` : match);
  return redactKnownSecrets(text, knownSecrets).replace(BEARER, keep).replace(KEY_ASSIGNMENT, keep);
}

/** A copy of a JSON-shaped value with every string (keys of objects included) passed through redactSecrets. */
export function redactDeep<T>(value: T, knownSecrets: readonly string[] = []): T {
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return redactSecrets(node, knownSecrets);
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, inner]) => [redactSecrets(key, knownSecrets), walk(inner)]));
    }
    return node;
  };
  return walk(value) as T;
}
