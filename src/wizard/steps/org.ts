import { validateUsername } from '../../core/credentials.js';
import type { Sourced } from '../../core/settings.js';
import { isCliError } from '../../errors.js';
import { loginUrlConcern, normalizeLoginUrl, type NormalizedLoginUrl } from '../../salesforce/login-url.js';
import { ORG_KINDS, type OrgKind } from '../../salesforce/types.js';
import type { AnswerContext, Step, WizardContext } from '../context.js';
import { loginUrlHelp, ORG_KIND_CHOICES, sandboxUsernameWarning, usernameHelp } from '../instructions.js';
import { ANSWER, badValue, given, resolve, type ResolveSpec } from '../resolve.js';

export function parseOrgKind(raw: string, source: string): OrgKind {
  const value = raw.trim().toLowerCase();
  if (!(ORG_KINDS as readonly string[]).includes(value)) {
    throw badValue(source, `unknown org kind ${JSON.stringify(raw)}`, { type: `choose one of ${ORG_KINDS.join(', ')}`, pass: `pass --org-kind ${ORG_KINDS.join('|')}` });
  }
  return value as OrgKind;
}

/** normalizeLoginUrl with the input's name in front, so a bad flag says which flag: the wizard's one place a login URL is normalised. */
export function parseLoginUrl(raw: string, source: string): NormalizedLoginUrl {
  try {
    return normalizeLoginUrl(raw);
  } catch (error) {
    if (!isCliError(error)) throw error;
    throw badValue(source, error.message, { type: error.hint?.replace(/^Pass /, 'Type ') ?? 'Type your My Domain URL, e.g. https://acme.my.salesforce.com', pass: error.hint ?? 'pass --login-url https://<MyDomainName>.my.salesforce.com' }, 'login-url-invalid');
  }
}

/** validateUsername, worded for a prompt when typed there. */
export function parseUsername(raw: string, source: string): string {
  if (source !== ANSWER) return validateUsername(raw, source);
  try {
    return validateUsername(raw, source);
  } catch (error) {
    if (!isCliError(error)) throw error;
    throw badValue(ANSWER, `${JSON.stringify(raw.trim())} is not a Salesforce username: those look like an email address`, { type: 'Type one such as integration@acme.com (in a sandbox: integration@acme.com.uat)', pass: '' }, 'username-invalid');
  }
}

function hintFor(given: Sourced<string> | undefined): OrgKind | undefined {
  if (!given) return undefined;
  try {
    return parseLoginUrl(given.value, given.from).orgKindHint;
  } catch {
    // Reported by the login URL's own spec.
    return undefined;
  }
}

type SpecContext = Pick<WizardContext, 'given' | 'stored' | 'storedFrom' | 'previous' | 'deps' | 'ui'>;

export function orgKindSpec(ctx: SpecContext): ResolveSpec<OrgKind> {
  // A login URL given as a flag or environment variable says what kind of org it is (acme--uat.sandbox... is a sandbox).
  const urlHint = hintFor(ctx.given.loginUrl);
  return {
    id: 'orgKind',
    what: 'org kind',
    flag: '--org-kind',
    placeholder: `<${ORG_KINDS.join('|')}>`,
    ...given(ctx.given.orgKind),
    stored: ctx.stored.orgKind,
    storedFrom: ctx.storedFrom.orgKind,
    yesDefault: urlHint ?? 'production',
    fallback: urlHint,
    suggested: ctx.previous.orgKind ?? urlHint,
    parse: parseOrgKind,
    ask: (def) =>
      ctx.deps.prompter.select<OrgKind>({
        id: 'orgKind',
        message: 'What kind of org will the integration log in to?',
        choices: ORG_KIND_CHOICES.map((c) => ({ ...c })),
        ...(def ? { default: def } : {}),
      }),
  };
}

/** `typed` receives the text typed at the prompt (to say what it was normalised to). */
export function loginUrlSpec(ctx: SpecContext & Pick<WizardContext, 'answers'>, orgKind: OrgKind, typed: (raw: string) => void = () => undefined): ResolveSpec<NormalizedLoginUrl> {
  const { ui, deps } = ctx;
  return {
    id: 'loginUrl',
    what: 'login URL',
    flag: '--login-url',
    placeholder: '<url>',
    env: 'SFJWT_LOGIN_URL',
    ...given(ctx.given.loginUrl),
    stored: ctx.stored.loginUrl === undefined ? undefined : parseLoginUrl(ctx.stored.loginUrl, ctx.storedFrom.loginUrl ?? 'progress'),
    storedFrom: ctx.storedFrom.loginUrl,
    show: (v) => v.url,
    parse: parseLoginUrl,
    // The app kind is asked later: until then the default (an External Client App) is assumed.
    doubt: (v) => loginUrlConcern(v, ctx.given.appKind?.value ?? ctx.answers.appKind ?? ctx.stored.appKind)?.message,
    doubtCode: 'login-url-invalid',
    ask: async (def, validate) => {
      for (const line of loginUrlHelp(orgKind)) ui.info(ui.color.dim(`  ${line}`));
      const answer = await deps.prompter.input({
        id: 'loginUrl',
        message: orgKind === 'site' ? 'Experience Cloud site URL' : 'My Domain URL',
        ...(ctx.previous.loginUrl ?? def?.url ? { default: ctx.previous.loginUrl ?? def?.url } : {}),
        validate,
      });
      typed(answer);
      return answer;
    },
  };
}

export function usernameSpec(ctx: SpecContext, orgKind: OrgKind, sandboxName?: string): ResolveSpec<string> {
  const { ui, deps } = ctx;
  return {
    id: 'username',
    what: 'run-as username',
    flag: '--username',
    placeholder: '<username>',
    env: 'SFJWT_USERNAME',
    ...given(ctx.given.username),
    stored: ctx.stored.username,
    storedFrom: ctx.storedFrom.username,
    parse: parseUsername,
    ask: (def, validate) => {
      ui.info(ui.color.dim(`  ${usernameHelp(orgKind, sandboxName)}`));
      return deps.prompter.input({
        id: 'username',
        message: 'Run-as username',
        ...(ctx.previous.username ?? def ? { default: ctx.previous.username ?? def } : {}),
        validate,
      });
    },
  };
}

/** Org kind, My Domain URL (validated, normalised, judged) and the run-as username. */
export const orgStep: Step = {
  id: 'org',
  title: 'Org',
  async run(ctx: AnswerContext) {
    const { ui } = ctx;
    if (ctx.interactive) {
      ui.info('');
      ui.info(ui.color.bold('Org'));
    }
    const orgKind = await resolve(ctx, orgKindSpec(ctx));
    ctx.answers.orgKind = orgKind;

    let typed: string | undefined;
    const login = await resolve(ctx, loginUrlSpec(ctx, orgKind, (raw) => (typed = raw)));
    ctx.answers.loginUrl = login.url;
    ctx.login = login;
    if (login.orgKindHint && login.orgKindHint !== orgKind && !(login.orgKindHint === 'production' && orgKind === 'developer')) {
      ui.warn(`${login.url} looks like a ${login.orgKindHint} URL, but the org kind is ${orgKind}; check both (sandbox My Domains look like https://acme--uat.sandbox.my.salesforce.com).`);
    }
    // Say what a typed URL was normalised to (https:// added, token path or slash dropped).
    if (typed !== undefined && login.url !== typed.trim()) ui.info(ui.color.dim(`  login URL: ${login.url}`));

    const username = await resolve(ctx, usernameSpec(ctx, orgKind, login.sandboxName));
    ctx.answers.username = username;
    const suffixWarning = orgKind === 'sandbox' ? sandboxUsernameWarning(username, login.sandboxName) : undefined;
    if (suffixWarning) ui.warn(suffixWarning);
    return 'next';
  },
};
