import type { PublicAttempt } from '../salesforce/exchange.js';
import type { FindingCode } from '../salesforce/codes.js';
import type { FindingContext, ResolvedFinding } from '../salesforce/findings.js';
import type { SetupPageId } from '../salesforce/setup-pages.js';
import { apiDenial } from './checks/api-access.js';
import { SKEW_WARNING_SECONDS } from './checks/clock-skew.js';
import type { CheckResult, Diagnosis } from './types.js';
import type { DiagnosisInput } from './diagnose.js';

/**
 * The ranking of likely causes, as data: for each failure Salesforce reported, the rows that
 * explain it, most likely first (a row's place is its precedence). The wording comes from the
 * catalogue (salesforce/findings.ts) unless a row says something only this run's facts can say
 * (the certificate's path, the skew measured, the audiences tried); diagnose.ts evaluates it.
 */

/** What a row may look at: the input, and the questions several rows ask of it. */
export interface Facts {
  input: DiagnosisInput;
  failure: { code: FindingCode; message: string };
  context: FindingContext;
  /** Attempts that did not get a token. */
  failed: readonly PublicAttempt[];
  /** A local check that warned or failed with this code. */
  flagged(code: FindingCode): Pick<CheckResult, 'summary' | 'fix'> | undefined;
  statusOf(checkId: string): CheckResult['status'] | undefined;
  /** Every failed attempt ended in one of these codes (and there was one). */
  every(...codes: FindingCode[]): boolean;
  /** The Setup page's URL on the org's host for the app kind, when the login URL is known. */
  page(eca: SetupPageId, connected?: SetupPageId): string | null;
  /** Copy for the app kind; both, labelled, when nobody said which. */
  byApp(eca: string, connected: string): string;
  /** `sfjwt verify <flags>` for the profile in use. */
  tryWith(flags: string): string;
  waitCommand: string;
  renewCommand: string;
  /** Where the certificate is uploaded (invalid-assertion's Setup page). */
  uploadPage: string | null;
  myDomainHint: string;
  certLabel: string;
  /** The catalogue's wording for a code, in this run's context. */
  finding(code: FindingCode): ResolvedFinding;
}

/** A catalogue item by index (falling back to the first), or this run's own wording; undefined: the catalogue's. */
type Text = number | ((f: Facts) => string | undefined);

export interface Row {
  /** The row applies only when this holds; rows of one failure whose conditions exclude each other form an if/else. */
  when?: (f: Facts) => boolean;
  /** The diagnosis's finding code, when it is not the failure's own (a local finding that explains it). */
  code?: FindingCode;
  cause?: Text;
  fix?: Text;
  /** Default: the catalogue's Setup page for the row's code. */
  setupUrl?: (f: Facts) => string | null;
  command?: (f: Facts) => string | null;
  /** Diagnoses worked out elsewhere, taken as they are (in place of the fields above). */
  expand?: (f: Facts) => Diagnosis[];
}

export interface Table {
  rows: Partial<Record<FindingCode, readonly Row[]>>;
  /** For a failure the table does not list. */
  otherwise: readonly Row[];
}

const GENERIC = /^https:\/\/(login|test)\.salesforce\.com\/?$/i;

const sayFailure: Row = { cause: (f) => f.failure.message };

const usernameMismatch: Row = {
  code: 'username-org-mismatch',
  when: (f) => f.flagged('username-org-mismatch') !== undefined,
  cause: (f) => `${f.flagged('username-org-mismatch')!.summary}: a username of another org is refused at this one.`,
  fix: (f) => f.flagged('username-org-mismatch')!.fix?.hint,
};

const waitAndRetry = (f: Facts) => `Wait and retry: \`${f.waitCommand}\`.`;
const isGeneric = (f: Facts) => f.input.login?.kind === 'generic-login' || f.input.login?.kind === 'generic-test';
const onlyGenericHosts = (f: Facts) => f.failed.every((a) => GENERIC.test(a.audience) || GENERIC.test(a.loginUrl));
const keyCertMismatch = (f: Facts) => f.flagged('key-cert-mismatch') !== undefined;
const keyMatchesCert = (f: Facts) => !keyCertMismatch(f) && f.statusOf('key-cert-match') === 'pass';
const skewed = (f: Facts) => f.input.clockSkewSeconds !== null && f.input.clockSkewSeconds > SKEW_WARNING_SECONDS;
const everyAudienceRefused = (f: Facts) => !f.input.fixedAudience && f.every('audience-invalid', 'app-not-installed');
const triedAudiences = (f: Facts) => [...new Set(f.failed.map((a) => a.audience).filter(Boolean))].join(', ');
const reCopyKey = (f: Facts) => f.finding('client-id-invalid').fixes[0]!;
const otherOrgKind = (f: Facts) => (f.input.orgKind === 'sandbox' || f.input.orgKind === 'scratch' ? 'production' : 'sandbox');

/** No token was issued: the exchange's failure, explained with the local evidence. */
export const EXCHANGE_FAILED: Table = {
  rows: {
    'invalid-assertion': [
      {
        code: 'key-cert-mismatch',
        when: keyCertMismatch,
        cause: (f) => `The private key does not match ${f.certLabel}: if that is the certificate uploaded to the app, Salesforce cannot verify the signature.`,
        fix: (f) => `Issue a certificate from this key (\`${f.renewCommand}\`) and upload it to the app${f.uploadPage ? ` (${f.uploadPage})` : ''}, then allow up to 10 minutes.`,
        setupUrl: (f) => f.uploadPage,
        command: (f) => f.renewCommand,
      },
      {
        when: keyMatchesCert,
        cause: (f) =>
          `The key matches ${f.certLabel}, so the app holds a different certificate: another one was uploaded, ${f.certLabel} was uploaded less than 10 minutes ago, or the app lives in another org with its own certificate (works in sandbox, fails in production).`,
        fix: (f) => `Upload ${f.certLabel} to the app in THIS org${f.uploadPage ? ` (${f.uploadPage})` : ''} and allow up to 10 minutes: \`${f.waitCommand}\`.`,
        setupUrl: (f) => f.uploadPage,
        command: (f) => f.waitCommand,
      },
      {
        when: (f) => !keyCertMismatch(f) && !keyMatchesCert(f),
        cause: () => 'Salesforce could not verify the signature with the certificate uploaded to the app: most often the key does not match it, or it was changed less than 10 minutes ago.',
        fix: (f) =>
          `Upload a certificate made from this key (\`${f.renewCommand}\`)${f.uploadPage ? ` at ${f.uploadPage}` : ''}; or, to compare first, give the certificate the app holds with --cert (or set the profile's certificate).`,
        setupUrl: (f) => f.uploadPage,
        command: (f) => f.renewCommand,
      },
      usernameMismatch,
      {
        when: isGeneric,
        cause: () => 'The app or user may be unknown at the generic host: a sandbox app and username sent to login.salesforce.com answer "invalid assertion".',
        fix: (f) => `Use the org's My Domain URL: --login-url ${f.myDomainHint}.`,
        setupUrl: (f) => f.page('my-domain'),
      },
    ],
    'assertion-expired': [
      {
        code: 'clock-skew',
        when: skewed,
        cause: (f) => `This machine's clock is ${f.input.clockSkewSeconds} s behind Salesforce's: the assertion's exp (now + 180 s) is already past, or nearly, when it arrives.`,
        fix: () => 'Sync the clock with NTP (e.g. `sudo timedatectl set-ntp true`); sfjwt never shifts exp to hide the skew.',
      },
      { when: (f) => !skewed(f) },
    ],
    'user-not-approved': [
      usernameMismatch,
      {
        cause: (f) =>
          `The ${f.input.appKind === 'connected-app' ? 'Connected App' : f.input.appKind === 'eca' ? 'External Client App' : 'app'}'s Permitted Users policy is "All users may self-authorize" and the user never approved it, or the run-as user's profile or permission set is not assigned to the app.`,
        fix: (f) =>
          f.byApp(
            'External Client App Manager → the app → Policies → Edit: Permitted Users = "Admin approved users are pre-authorized", and under App Policies select the run-as user\'s profile or permission set.',
            'Manage Connected Apps → the app → Edit Policies: Permitted Users = "Admin approved users are pre-authorized"; then Manage Profiles / Manage Permission Sets: add the run-as user\'s profile or permission set.',
          ),
      },
      { cause: 2, fix: 2, setupUrl: (f) => f.page('permission-sets') },
      {
        cause: () => 'The user, the app or the org (a new scratch org, a refreshed sandbox) is less than 10 minutes old and has not reached the login servers.',
        fix: waitAndRetry,
        command: (f) => f.waitCommand,
      },
    ],
    'app-not-installed': [
      {
        when: onlyGenericHosts,
        cause: () => 'Every attempt named a generic host (login/test.salesforce.com) as endpoint or aud, and External Client Apps are often found only through the org\'s My Domain.',
        fix: (f) =>
          f.input.fixedAudience
            ? `Drop --audience / SFJWT_AUDIENCE (${f.input.fixedAudience}) and use the My Domain URL as the login URL (--login-url ${f.myDomainHint}): sfjwt tries it as aud first.`
            : `Use the My Domain URL as the login URL (--login-url ${f.myDomainHint}): sfjwt tries it as both endpoint and aud.`,
        setupUrl: (f) => f.page('my-domain'),
        command: (f) => (f.input.fixedAudience ? null : f.tryWith(`--login-url ${f.myDomainHint}`)),
      },
      {
        when: (f) => !onlyGenericHosts(f),
        cause: () => 'The app is not found in this org even through its My Domain: it was created in another org (production vs sandbox), wiped by a sandbox refresh, disabled, or created less than 10 minutes ago.',
        fix: 1,
      },
      { when: (f) => !onlyGenericHosts(f), cause: () => 'The app was created minutes ago.', fix: waitAndRetry, command: (f) => f.waitCommand },
    ],
    'audience-invalid': [
      {
        when: (f) => Boolean(f.input.fixedAudience),
        cause: (f) => `The fixed audience ${f.input.fixedAudience} (--audience / SFJWT_AUDIENCE) is refused by this org.`,
        fix: () => 'Drop --audience / SFJWT_AUDIENCE: sfjwt then tries the My Domain URL and the login/test host and remembers what works.',
      },
      {
        // The sf CLI's classic ECA failure: the app is only found through My Domain.
        code: 'app-not-installed',
        when: (f) => everyAudienceRefused(f) && f.failed.some((a) => a.outcome === 'app-not-installed') && f.input.appKind !== 'connected-app',
        cause: () => 'External Client Apps are often found only through the org\'s My Domain: the login/test hosts answer "not installed", and a mixed login/test pair "audience is invalid".',
        fix: (f) => `Use the My Domain URL as both login URL and aud (--login-url ${f.myDomainHint}; for the sf CLI, --instance-url ${f.myDomainHint}).`,
        setupUrl: (f) => f.page('my-domain'),
        command: (f) => f.tryWith(`--login-url ${f.myDomainHint}`),
      },
      {
        when: (f) => everyAudienceRefused(f) && f.input.orgKind === undefined,
        cause: (f) => {
          const tried = triedAudiences(f);
          return `Every audience tried${tried ? ` (${tried})` : ''} was refused: the aud does not fit the org kind (https://login.salesforce.com for production and Developer Edition, https://test.salesforce.com for sandboxes and scratch orgs), or the login URL belongs to another org.`;
        },
        fix: (f) => `Use the org's My Domain URL as login URL and let sfjwt try the audiences: \`${f.tryWith('--login-url <My Domain URL>')}\`; add --org-kind sandbox for a sandbox.`,
        command: (f) => f.tryWith('--org-kind sandbox'),
        setupUrl: (f) => f.page('my-domain'),
      },
      {
        when: (f) => everyAudienceRefused(f) && f.input.orgKind !== undefined,
        cause: (f) =>
          `Every audience tried (${triedAudiences(f)}) was refused: the org was taken as ${f.input.orgKind}, and it is probably a ${otherOrgKind(f) === 'sandbox' ? 'sandbox or scratch org (aud https://test.salesforce.com)' : 'production or Developer Edition org (aud https://login.salesforce.com)'}, or the login URL is another org's.`,
        fix: (f) => `Say which kind of org it is: --org-kind ${otherOrgKind(f)}; and check the login URL is this org's My Domain${f.page('my-domain') ? ` (${f.page('my-domain')})` : ''}.`,
        command: (f) => f.tryWith(`--org-kind ${otherOrgKind(f)}`),
        setupUrl: (f) => f.page('my-domain'),
      },
      { when: (f) => !f.input.fixedAudience && !everyAudienceRefused(f) },
    ],
    'client-id-invalid': [
      {
        code: 'client-id-format',
        when: (f) => f.flagged('client-id-format') !== undefined,
        cause: (f) => `${f.flagged('client-id-format')!.summary}.`,
        // The catalogue's client-id-invalid fix (re-copy the key) for the format finding too.
        fix: (f) => reCopyKey(f),
      },
      {
        cause: () => 'Salesforce does not know this consumer key at this host: a typo or truncation, the app lives in another org (production vs sandbox), the app was deleted, or it was created or edited less than 10 minutes ago.',
        fix: (f) => `${reCopyKey(f)} If the app is new or was just edited, wait: \`${f.waitCommand}\`.`,
        command: (f) => f.waitCommand,
      },
    ],
    'not-token-endpoint': [sayFailure],
    'server-error': [sayFailure],
    'network-error': [sayFailure],
    'tls-error': [sayFailure],
    timeout: [sayFailure],
  },
  otherwise: [{}],
};

/** A token was issued: what failed came after it (REST API, instance unreachable). */
export const AFTER_TOKEN: Table = {
  rows: { 'api-access-denied': [{ expand: (f) => apiDenial(f.failure.message, f.context) }] },
  otherwise: [sayFailure],
};
