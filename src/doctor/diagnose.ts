import type { AudiencePair } from '../salesforce/audience-matrix.js';
import type { FindingCode } from '../salesforce/codes.js';
import type { PublicAttempt } from '../salesforce/exchange.js';
import { findingFor } from '../salesforce/findings.js';
import type { LoginUrlKind } from '../salesforce/login-url.js';
import { setupUrl, type SetupPageId } from '../salesforce/setup-pages.js';
import type { AppKind, OrgKind } from '../salesforce/types.js';
import { apiDenial } from './checks/api-access.js';
import { SKEW_WARNING_SECONDS } from './checks/clock-skew.js';
import { aliasFlag } from './outcome.js';
import type { CheckResult, Diagnosis } from './types.js';

export interface DiagnosisInput {
  attempts: readonly PublicAttempt[];
  working: AudiencePair | null;
  /** The verification's reported failure (the most informative attempt, or the API step). */
  failure?: { code: FindingCode; message: string };
  checks: readonly Pick<CheckResult, 'id' | 'status' | 'code' | 'summary' | 'fix'>[];
  appKind?: AppKind;
  loginUrl?: string;
  loginUrlKind?: LoginUrlKind;
  myDomainName?: string;
  orgKind?: OrgKind;
  fixedAudience?: string;
  clockSkewSeconds: number | null;
  certPath?: string;
  /** The profile in use: suggested commands then carry `-a <alias>`. */
  alias?: string | null;
}

const GENERIC = /^https:\/\/(login|test)\.salesforce\.com\/?$/i;

/**
 * Combines the token attempts with the local findings into the most likely causes, most likely
 * first, each with its fix and the Setup page on the org's own host (SALESFORCE.md §4, §4.1, §7).
 * Pure: data in, data out.
 */
export function diagnose(input: DiagnosisInput): Diagnosis[] {
  const out: Diagnosis[] = [];
  const context = {
    ...(input.loginUrl ? { loginUrl: input.loginUrl } : {}),
    ...(input.appKind ? { appKind: input.appKind } : {}),
    ...(input.alias ? { alias: input.alias } : {}),
  };
  const ca = input.appKind === 'connected-app';
  // Copy for the app kind; both, labelled, when nobody said which (a pasted error, flags without --app).
  const byApp = (eca: string, connected: string) =>
    input.appKind === 'eca' ? eca : input.appKind === 'connected-app' ? connected : `External Client App: ${eca} Connected App: ${connected}`;
  const a = aliasFlag(input.alias);
  const WAIT_COMMAND = `sfjwt verify${a} --wait 600`;
  const RENEW_COMMAND = `sfjwt cert renew${a}`;
  // Trying a changed value: verify takes it as a flag on top of the profile (never doctor inside doctor).
  const tryWith = (flags: string) => `sfjwt verify${a} ${flags}`;
  const page = (eca: SetupPageId, connected: SetupPageId = eca) => (input.loginUrl ? setupUrl(ca ? connected : eca, input.loginUrl) : null);
  const push = (d: Diagnosis) => {
    if (!out.some((o) => o.code === d.code && o.cause === d.cause)) out.push(d);
  };
  const fromFinding = (code: FindingCode, over: Partial<Diagnosis> = {}): Diagnosis => {
    const info = findingFor(code, context);
    return {
      code,
      cause: over.cause ?? info.causes[0] ?? info.title,
      fix: over.fix ?? info.fixes[0] ?? info.title,
      setupUrl: over.setupUrl !== undefined ? over.setupUrl : info.setupUrl ?? null,
      command: over.command ?? null,
    };
  };
  const flagged = (code: FindingCode) => input.checks.find((c) => c.code === code && (c.status === 'warn' || c.status === 'fail'));
  const statusOf = (id: string) => input.checks.find((c) => c.id === id)?.status;
  const failed = input.attempts.filter((a) => a.outcome !== 'ok');
  const every = (...codes: FindingCode[]) => failed.length > 0 && failed.every((a) => (codes as string[]).includes(a.outcome));
  const uploadPage = findingFor('invalid-assertion', context).setupUrl ?? null;
  const usernameMismatch = () => {
    const check = flagged('username-org-mismatch');
    if (check) push(fromFinding('username-org-mismatch', { cause: `${check.summary}: a username of another org is refused at this one.`, ...(check.fix ? { fix: check.fix.hint } : {}) }));
  };
  const myDomainHint = input.myDomainName ? `https://${input.myDomainName}.my.salesforce.com` : 'https://<MyDomain>.my.salesforce.com';

  const failure = input.failure;
  if (failure && input.working) {
    // A token was issued; what failed came after it (REST API, instance unreachable).
    if (failure.code === 'api-access-denied') for (const d of apiDenial(failure.message, context)) push(d);
    else push(fromFinding(failure.code, { cause: failure.message }));
  } else if (failure) {
    switch (failure.code) {
      case 'invalid-assertion': {
        const cert = input.certPath ?? 'the certificate';
        if (flagged('key-cert-mismatch')) {
          push({
            code: 'key-cert-mismatch',
            cause: `The private key does not match ${cert}: if that is the certificate uploaded to the app, Salesforce cannot verify the signature.`,
            fix: `Issue a certificate from this key (\`${RENEW_COMMAND}\`) and upload it to the app${uploadPage ? ` (${uploadPage})` : ''}, then allow up to 10 minutes.`,
            setupUrl: uploadPage,
            command: RENEW_COMMAND,
          });
        } else if (statusOf('key-cert-match') === 'pass') {
          push({
            code: 'invalid-assertion',
            cause: `The key matches ${cert}, so the app holds a different certificate: another one was uploaded, ${cert} was uploaded less than 10 minutes ago, or the app lives in another org with its own certificate (works in sandbox, fails in production).`,
            fix: `Upload ${cert} to the app in THIS org${uploadPage ? ` (${uploadPage})` : ''} and allow up to 10 minutes: \`${WAIT_COMMAND}\`.`,
            setupUrl: uploadPage,
            command: WAIT_COMMAND,
          });
        } else {
          push({
            code: 'invalid-assertion',
            cause: 'Salesforce could not verify the signature with the certificate uploaded to the app: most often the key does not match it, or it was changed less than 10 minutes ago.',
            fix: `Upload a certificate made from this key (\`${RENEW_COMMAND}\`)${uploadPage ? ` at ${uploadPage}` : ''}; or, to compare first, give the certificate the app holds with --cert (or set the profile's certificate).`,
            setupUrl: uploadPage,
            command: RENEW_COMMAND,
          });
        }
        usernameMismatch();
        if (input.loginUrlKind === 'generic-login' || input.loginUrlKind === 'generic-test') {
          push(fromFinding('invalid-assertion', {
            cause: 'The app or user may be unknown at the generic host: a sandbox app and username sent to login.salesforce.com answer "invalid assertion".',
            fix: `Use the org's My Domain URL: --login-url ${myDomainHint}.`,
            setupUrl: page('my-domain'),
          }));
        }
        break;
      }
      case 'assertion-expired': {
        const skew = input.clockSkewSeconds;
        if (skew !== null && skew > SKEW_WARNING_SECONDS) {
          push(fromFinding('clock-skew', {
            cause: `This machine's clock is ${skew} s behind Salesforce's: the assertion's exp (now + 180 s) is already past, or nearly, when it arrives.`,
            fix: 'Sync the clock with NTP (e.g. `sudo timedatectl set-ntp true`); sfjwt never shifts exp to hide the skew.',
          }));
        } else {
          push(fromFinding('assertion-expired'));
        }
        break;
      }
      case 'user-not-approved': {
        usernameMismatch();
        const info = findingFor('user-not-approved', context);
        push({
          code: 'user-not-approved',
          cause: `The ${ca ? 'Connected App' : input.appKind === 'eca' ? 'External Client App' : 'app'}'s Permitted Users policy is "All users may self-authorize" and the user never approved it, or the run-as user's profile or permission set is not assigned to the app.`,
          fix: byApp(
            'External Client App Manager → the app → Policies → Edit: Permitted Users = "Admin approved users are pre-authorized", and under App Policies select the run-as user\'s profile or permission set.',
            'Manage Connected Apps → the app → Edit Policies: Permitted Users = "Admin approved users are pre-authorized"; then Manage Profiles / Manage Permission Sets: add the run-as user\'s profile or permission set.',
          ),
          setupUrl: info.setupUrl ?? null,
          command: null,
        });
        push(fromFinding('user-not-approved', { cause: info.causes[2], fix: info.fixes[2], setupUrl: page('permission-sets') }));
        push(fromFinding('user-not-approved', {
          cause: 'The user, the app or the org (a new scratch org, a refreshed sandbox) is less than 10 minutes old and has not reached the login servers.',
          fix: `Wait and retry: \`${WAIT_COMMAND}\`.`,
          command: WAIT_COMMAND,
        }));
        break;
      }
      case 'app-not-installed': {
        const throughMyDomain = failed.filter((a) => !GENERIC.test(a.audience) && !GENERIC.test(a.loginUrl));
        if (throughMyDomain.length === 0) {
          push({
            code: 'app-not-installed',
            cause: 'Every attempt named a generic host (login/test.salesforce.com) as endpoint or aud, and External Client Apps are often found only through the org\'s My Domain.',
            fix: input.fixedAudience
              ? `Drop --audience / SFJWT_AUDIENCE (${input.fixedAudience}) and use the My Domain URL as the login URL (--login-url ${myDomainHint}): sfjwt tries it as aud first.`
              : `Use the My Domain URL as the login URL (--login-url ${myDomainHint}): sfjwt tries it as both endpoint and aud.`,
            setupUrl: page('my-domain'),
            command: input.fixedAudience ? null : tryWith(`--login-url ${myDomainHint}`),
          });
        } else {
          const info = findingFor('app-not-installed', context);
          push(fromFinding('app-not-installed', {
            cause: 'The app is not found in this org even through its My Domain: it was created in another org (production vs sandbox), wiped by a sandbox refresh, disabled, or created less than 10 minutes ago.',
            fix: info.fixes[1] ?? info.fixes[0]!,
          }));
          push(fromFinding('app-not-installed', { cause: 'The app was created minutes ago.', fix: `Wait and retry: \`${WAIT_COMMAND}\`.`, command: WAIT_COMMAND }));
        }
        break;
      }
      case 'audience-invalid': {
        if (input.fixedAudience) {
          push(fromFinding('audience-invalid', {
            cause: `The fixed audience ${input.fixedAudience} (--audience / SFJWT_AUDIENCE) is refused by this org.`,
            fix: 'Drop --audience / SFJWT_AUDIENCE: sfjwt then tries the My Domain URL and the login/test host and remembers what works.',
          }));
        } else if (every('audience-invalid', 'app-not-installed')) {
          if (failed.some((a) => a.outcome === 'app-not-installed') && input.appKind !== 'connected-app') {
            // The sf CLI's classic ECA failure (SALESFORCE.md §4.2): the app is only found through My Domain.
            push({
              code: 'app-not-installed',
              cause: 'External Client Apps are often found only through the org\'s My Domain: the login/test hosts answer "not installed", and a mixed login/test pair "audience is invalid".',
              fix: `Use the My Domain URL as both login URL and aud (--login-url ${myDomainHint}; for the sf CLI, --instance-url ${myDomainHint}).`,
              setupUrl: page('my-domain'),
              command: tryWith(`--login-url ${myDomainHint}`),
            });
          }
          const tried = [...new Set(failed.map((a) => a.audience).filter(Boolean))].join(', ');
          if (input.orgKind === undefined) {
            push(fromFinding('audience-invalid', {
              cause: `Every audience tried${tried ? ` (${tried})` : ''} was refused: the aud does not fit the org kind (https://login.salesforce.com for production and Developer Edition, https://test.salesforce.com for sandboxes and scratch orgs), or the login URL belongs to another org.`,
              fix: `Use the org's My Domain URL as login URL and let sfjwt try the audiences: \`${tryWith('--login-url <My Domain URL>')}\`; add --org-kind sandbox for a sandbox.`,
              command: tryWith('--org-kind sandbox'),
              setupUrl: page('my-domain'),
            }));
            break;
          }
          const sandboxLike = input.orgKind === 'sandbox' || input.orgKind === 'scratch';
          const other = sandboxLike ? 'production' : 'sandbox';
          push(fromFinding('audience-invalid', {
            cause: `Every audience tried (${tried}) was refused: the org was taken as ${input.orgKind}, and it is probably a ${other === 'sandbox' ? 'sandbox or scratch org (aud https://test.salesforce.com)' : 'production or Developer Edition org (aud https://login.salesforce.com)'}, or the login URL is another org's.`,
            fix: `Say which kind of org it is: --org-kind ${other}; and check the login URL is this org's My Domain${page('my-domain') ? ` (${page('my-domain')})` : ''}.`,
            command: tryWith(`--org-kind ${other}`),
            setupUrl: page('my-domain'),
          }));
        } else {
          push(fromFinding('audience-invalid'));
        }
        break;
      }
      case 'client-id-invalid': {
        const format = flagged('client-id-format');
        const info = findingFor('client-id-invalid', context);
        if (format) push(fromFinding('client-id-format', { cause: `${format.summary}.`, fix: info.fixes[0]! }));
        push(fromFinding('client-id-invalid', {
          cause: 'Salesforce does not know this consumer key at this host: a typo or truncation, the app lives in another org (production vs sandbox), the app was deleted, or it was created or edited less than 10 minutes ago.',
          fix: `${info.fixes[0]} If the app is new or was just edited, wait: \`${WAIT_COMMAND}\`.`,
          command: WAIT_COMMAND,
        }));
        break;
      }
      case 'not-token-endpoint':
      case 'server-error':
      case 'network-error':
      case 'tls-error':
      case 'timeout':
        push(fromFinding(failure.code, { cause: failure.message }));
        break;
      default:
        push(fromFinding(failure.code));
    }
  }

  // Local failures (alone when offline or when they kept the exchange from running).
  for (const check of input.checks) {
    if ((check.status !== 'fail' && check.status !== 'crash') || !check.code) continue;
    // The exchange's own failure was diagnosed above, with the local evidence.
    if (check.id === 'token-exchange' || check.id === 'api-access') continue;
    if (out.some((d) => d.code === check.code)) continue;
    push(fromFinding(check.code, { cause: check.summary, ...(check.fix ? { fix: check.fix.hint } : {}), ...(check.fix?.command ? { command: check.fix.command } : {}) }));
  }
  return out;
}
