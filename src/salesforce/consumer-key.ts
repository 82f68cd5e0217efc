/**
 * The one judgement of a consumer key, shared by the wizard (re-ask or "use it anyway?") and
 * doctor (fail or warn). Pure: no source names, no flags; callers word where the value came from.
 */
export type ConsumerKeyJudgement =
  /** Plausible: trimmed value. */
  | { verdict: 'ok'; value: string }
  /** Usable but suspicious (probably cut off): worth a question, not a refusal. */
  | { verdict: 'doubtful'; value: string; problem: string }
  /** Cannot be a consumer key: ask again at once. */
  | { verdict: 'wrong'; problem: string };

/** Keys Salesforce generates are 85 characters starting with 3MVG; a metadata-deployed key may be 8-256. */
export const GENERATED_KEY_LENGTH = 85;
const GENERATED_PREFIX = '3MVG';
/** Below this, a 3MVG key has lost its end (copy cut short, or a half-selected field). */
const GENERATED_MIN = 80;
/** Below this, any key is shorter than Salesforce issues. */
const CUSTOM_MIN = 20;

const HEX64 = /^[0-9A-Fa-f]{64}$/;
const DIGITS = /^[0-9]+$/;
const CHARSET = /^[A-Za-z0-9._]+$/;

/** What to copy, for any message about a wrong key. */
export const CONSUMER_KEY_ADVICE = 'Copy the Consumer Key (not the secret) from the app\'s OAuth settings: the long value that usually starts with 3MVG';

export function judgeConsumerKey(raw: string): ConsumerKeyJudgement {
  const value = raw.trim();
  if (value === '') return { verdict: 'wrong', problem: 'the consumer key is empty' };
  if (/\s/.test(value)) return { verdict: 'wrong', problem: 'the consumer key contains spaces or line breaks' };
  // Connected App secrets were 19-digit numbers; ECA and newer secrets are 64 hex digits.
  if (HEX64.test(value)) return { verdict: 'wrong', problem: 'that is a consumer secret (64 hex digits), not the consumer key' };
  if (DIGITS.test(value)) return { verdict: 'wrong', problem: `that is a consumer secret (${value.length} digits), not the consumer key` };
  if (!CHARSET.test(value)) return { verdict: 'wrong', problem: 'a consumer key has only letters, digits, "." and "_"' };
  // The length apart from the pattern: a counted repetition ({8,256}) is slow for V8 to compile.
  if (value.length < 8) return { verdict: 'wrong', problem: `${value.length} characters is too short for a consumer key` };
  if (value.length > 256) return { verdict: 'wrong', problem: `${value.length} characters is too long for a consumer key` };
  const generated = value.startsWith(GENERATED_PREFIX);
  if ((generated && value.length < GENERATED_MIN) || value.length < CUSTOM_MIN) {
    return {
      verdict: 'doubtful',
      value,
      problem: `${value.slice(0, 8)}… has ${value.length} characters; Salesforce's consumer keys have ${GENERATED_KEY_LENGTH}: it may be cut off`,
    };
  }
  return { verdict: 'ok', value };
}
