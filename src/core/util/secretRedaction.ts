// Keeps API keys out of what leaves the extension's control: tool outputs (a command may print an environment
// variable holding a key) and thread exports (a user may paste a key into a message). Two nets: the keys the user
// stored (exact matches, whatever their shape) and text shaped like a common key or bearer token.

/** What replaces a secret. */
export const REDACTED = '[redacted secret]';

// Shorter "secrets" (placeholders such as "none" or "test") would shred ordinary words.
const MIN_SECRET_LENGTH = 8;

// Shapes of real keys, long enough that package names such as "sk-learn" stay readable.
const KEY_SHAPES: RegExp[] = [
  /\b(?:sk|pk|rk)-[A-Za-z0-9_-]{16,}/g, // OpenAI, Anthropic (sk-ant-…), Stripe-style keys
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g, // GitHub tokens
  /\bAIza[0-9A-Za-z_-]{30,}/g, // Google API keys
];
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi;
const KEY_ASSIGNMENT = /\b((?:api[-_]?key|x-api-key|authorization)["']?\s*[:=]\s*["']?)[A-Za-z0-9._~+/=-]{8,}/gi;

/** `text` with every known secret and anything shaped like a key or bearer token replaced by REDACTED. */
export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let result = text;
  // Longest first, so a key that contains another key is replaced whole.
  for (const secret of [...knownSecrets].sort((a, b) => b.length - a.length)) {
    if (secret.length >= MIN_SECRET_LENGTH) result = result.split(secret).join(REDACTED);
  }
  for (const shape of KEY_SHAPES) result = result.replace(shape, REDACTED);
  return result.replace(BEARER, `$1${REDACTED}`).replace(KEY_ASSIGNMENT, `$1${REDACTED}`);
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
