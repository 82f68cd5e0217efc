import { explainErrorText, type ExplainedError } from '../salesforce/classify.js';
import { TOKEN_CODES, type FindingCode } from '../salesforce/codes.js';
import type { PublicAttempt } from '../salesforce/exchange.js';
import { findingFor, type FindingContext } from '../salesforce/findings.js';
import type { NormalizedLoginUrl } from '../salesforce/login-url.js';
import { mostInformative } from '../salesforce/rank.js';
import type { AppKind, OrgKind } from '../salesforce/types.js';
import { diagnose } from './diagnose.js';
import { aliasFlag } from './outcome.js';
import type { CheckResult, DoctorReport } from './types.js';

export interface ExplainContext {
  login?: NormalizedLoginUrl;
  appKind?: AppKind;
  orgKind?: OrgKind;
  /** The profile in use: suggested commands then carry `-a <alias>`. */
  alias?: string;
}

/** Texts that are not Salesforce's answers but wrap or replace them. */
const WRAPPERS: ReadonlyArray<{ pattern: RegExp; result: (ctx: FindingContext) => Omit<CheckResult, 'category' | 'satisfies'> }> = [
  {
    pattern: /Unexpected end of JSON input/i,
    result: (ctx) => ({
      id: 'error-unexpected-end-of-json',
      title: 'A client failed to read JSON ("Unexpected end of JSON input")',
      status: 'warn',
      summary: 'not an answer from Salesforce: the client read an empty or cut-off JSON file or response',
      details: [],
      causes: [
        'The sf CLI wraps its own bugs in "We encountered a JSON web token error" (old CLI or Node versions).',
        'A corrupt cached auth file (~/.sfdx/<username>.json, ~/.sf/) is read on every command.',
        'A proxy answered with an empty body.',
      ],
      fix: {
        hint: `Upgrade the sf CLI and Node; delete the org's cached auth file and log in again. Test the credentials themselves with \`sfjwt verify${aliasFlag(ctx.alias)}\`.`,
        command: `sfjwt verify${aliasFlag(ctx.alias)}`,
      },
    }),
  },
  {
    pattern: /Client ID is required for JWT authentication/i,
    result: (ctx) => {
      const info = findingFor('client-id-format', ctx);
      return {
        id: 'error-client-id-missing',
        title: 'No consumer key was given ("Client ID is required for JWT authentication")',
        status: 'fail',
        code: 'client-id-format',
        summary: 'the sf CLI was run without --client-id',
        details: [],
        causes: ['`sf org login jwt` needs --client-id with the app\'s consumer key.'],
        fix: { hint: info.fixes[0] ?? info.title, ...(info.setupUrl ? { url: info.setupUrl } : {}) },
      };
    },
  },
];

/** The catalogue title without its "(invalid_grant: …)" tail: the check's summary quotes what was pasted. */
const plainTitle = (title: string) => title.replace(/\s*\([^()]*\)$/, '');

function quote(match: ExplainedError): string {
  const said = match.errorDescription ?? match.excerpt;
  const times = match.count > 1 ? ` (${match.count} times)` : '';
  const where = match.audience ? ` [aud ${match.audience} at ${match.loginUrl}]` : '';
  return `${match.error && match.errorDescription ? `${match.error}: ` : ''}"${said}"${times}${where}`;
}

/**
 * `doctor --error "<text>"`: every Salesforce error found in the pasted text becomes one failed
 * check with its causes and fix; the diagnosis ranks them like token attempts. Offline, pure.
 */
export function explainError(text: string, context: ExplainContext = {}): DoctorReport {
  const findingContext: FindingContext = {
    ...(context.login ? { setupHost: context.login.setupHost } : {}),
    ...(context.appKind ? { appKind: context.appKind } : {}),
    ...(context.alias ? { alias: context.alias } : {}),
  };
  const explained = explainErrorText(text);
  const checks: CheckResult[] = [];
  const seen = new Map<string, number>();
  for (const match of explained.matches) {
    const info = findingFor(match.code, findingContext);
    const n = (seen.get(match.code) ?? 0) + 1;
    seen.set(match.code, n);
    checks.push({
      id: n === 1 ? `error-${match.code}` : `error-${match.code}-${n}`,
      title: plainTitle(info.title),
      category: 'error',
      status: 'fail',
      code: match.code,
      summary: quote(match),
      details: [match.excerpt],
      causes: info.causes,
      fix: { hint: info.fixes[0] ?? info.title, ...(info.setupUrl ? { url: info.setupUrl } : {}) },
      satisfies: false,
    });
  }
  for (const wrapper of WRAPPERS) {
    if (wrapper.pattern.test(text)) checks.push({ ...wrapper.result(findingContext), category: 'error', satisfies: false });
  }
  if (checks.length === 0) {
    checks.push({
      id: 'error-unrecognised',
      title: 'Pasted error',
      category: 'error',
      status: 'warn',
      summary: 'not recognised as a Salesforce JWT bearer error',
      details: [text.trim().split('\n')[0]!.slice(0, 200)],
      causes: ['The text holds no OAuth error, error description or known client message.'],
      fix: {
        hint: 'Test the login with the same settings as the failing tool (-a <alias>, or --login-url/--username/--client-id/--key).',
        command: `sfjwt verify${aliasFlag(context.alias)}`,
      },
      satisfies: true,
    });
  }

  // The sf CLI prints one line per tried pair: rank them like our own attempts.
  const attempts: PublicAttempt[] = explained.matches
    .filter((m) => (TOKEN_CODES as readonly string[]).includes(m.code))
    .flatMap((m) =>
      Array.from({ length: m.count }, () => ({
        loginUrl: m.loginUrl ?? context.login?.url ?? '',
        audience: m.audience ?? '',
        outcome: m.code,
        httpStatus: null,
        error: m.error,
        errorDescription: m.errorDescription,
        ms: 0,
      })),
    );
  const top = mostInformative(attempts);
  const diagnosis = diagnose({
    attempts,
    working: null,
    ...(top ? { failure: { code: top.outcome as FindingCode, message: `"${top.errorDescription ?? top.error}"` } } : {}),
    checks: checks.map((c) => ({ ...c, summary: c.causes[0] ?? c.summary })),
    ...(context.appKind ? { appKind: context.appKind } : {}),
    ...(context.login ? { login: context.login } : {}),
    ...(context.orgKind ? { orgKind: context.orgKind } : {}),
    ...(context.alias ? { alias: context.alias } : {}),
    clockSkewSeconds: null,
  });
  return { alias: null, loginUrl: context.login?.url ?? null, checks, attempts: [], working: null, diagnosis, clockSkewSeconds: null };
}
