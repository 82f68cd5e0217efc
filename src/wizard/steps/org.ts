import { validateUsername } from '../../core/credentials.js';
import { inputError, isCliError, UsageError } from '../../errors.js';
import { normalizeLoginUrl, type NormalizedLoginUrl } from '../../salesforce/login-url.js';
import { ORG_KINDS, type OrgKind } from '../../salesforce/types.js';
import type { Step, WizardContext } from '../context.js';
import { loginUrlHelp, ORG_KIND_CHOICES, sandboxUsernameWarning, usernameHelp } from '../instructions.js';
import { resolve } from '../resolve.js';

export function parseOrgKind(raw: string, source: string): OrgKind {
  const value = raw.trim().toLowerCase();
  if (!(ORG_KINDS as readonly string[]).includes(value)) {
    throw new UsageError(`invalid org kind "${raw}" (${source})`, `pass --org-kind ${ORG_KINDS.join('|')}`);
  }
  return value as OrgKind;
}

/** normalizeLoginUrl with the input's name in front, so a bad flag says which flag. */
export function parseLoginUrl(raw: string, source: string): NormalizedLoginUrl {
  try {
    return normalizeLoginUrl(raw);
  } catch (error) {
    if (isCliError(error) && source !== 'answer') throw inputError('login-url-invalid', `${source}: ${error.message}`, error.hint);
    throw error;
  }
}

function hintFor(raw: string | undefined): OrgKind | undefined {
  if (!raw) return undefined;
  try {
    return normalizeLoginUrl(raw).orgKindHint;
  } catch {
    return undefined;
  }
}

/** Org kind, My Domain URL (validated, normalised) and the run-as username. */
export const orgStep: Step = {
  id: 'org',
  title: 'Org',
  async run(ctx: WizardContext) {
    const { options, cmd } = ctx;
    const { ui, deps } = cmd;
    const prompter = deps.prompter;
    if (ctx.interactive) {
      ui.info('');
      ui.info(ui.color.bold('Org'));
    }
    // A login URL given up front says what kind of org it is (acme--uat.sandbox... is a sandbox).
    const urlHint = hintFor(options.loginUrl ?? deps.env.SFJWT_LOGIN_URL);
    const orgKind = await resolve<OrgKind>(ctx, {
      id: 'orgKind',
      what: 'org kind',
      flag: '--org-kind',
      flagValue: options.orgKind,
      stored: ctx.stored.orgKind,
      storedFrom: ctx.storedFrom.orgKind,
      yesDefault: urlHint ?? 'production',
      fallback: urlHint,
      suggested: ctx.previous.orgKind ?? urlHint,
      parse: parseOrgKind,
      ask: (def) =>
        prompter.select<OrgKind>({
          id: 'orgKind',
          message: 'What kind of org will the integration log in to?',
          choices: ORG_KIND_CHOICES.map((c) => ({ ...c })),
          ...(def ? { default: def } : {}),
        }),
    });
    ctx.answers.orgKind = orgKind;

    let typed: string | undefined;
    const login = await resolve(ctx, {
      id: 'loginUrl',
      what: 'login URL',
      flag: '--login-url',
      flagValue: options.loginUrl,
      env: 'SFJWT_LOGIN_URL',
      stored: ctx.stored.loginUrl === undefined ? undefined : normalizeLoginUrl(ctx.stored.loginUrl),
      storedFrom: ctx.storedFrom.loginUrl,
      show: (v) => v.url,
      parse: parseLoginUrl,
      ask: async (def, validate) => {
        for (const line of loginUrlHelp(orgKind)) ui.info(ui.color.dim(`  ${line}`));
        typed = await prompter.input({
          id: 'loginUrl',
          message: orgKind === 'site' ? 'Experience Cloud site URL' : 'My Domain URL',
          ...(ctx.previous.loginUrl ?? def?.url ? { default: ctx.previous.loginUrl ?? def?.url } : {}),
          validate,
        });
        return typed;
      },
    });
    ctx.answers.loginUrl = login.url;
    if (login.orgKindHint && login.orgKindHint !== orgKind && !(login.orgKindHint === 'production' && orgKind === 'developer')) {
      ui.warn(`${login.url} looks like a ${login.orgKindHint} URL, but the org kind is ${orgKind}; check both (sandbox My Domains look like https://acme--uat.sandbox.my.salesforce.com).`);
    }
    // Say what a typed URL was normalised to (https:// added, token path or slash dropped).
    if (typed !== undefined && login.url !== typed.trim()) ui.info(ui.color.dim(`  login URL: ${login.url}`));

    const username = await resolve(ctx, {
      id: 'username',
      what: 'run-as username',
      flag: '--username',
      flagValue: options.username,
      env: 'SFJWT_USERNAME',
      stored: ctx.stored.username,
      storedFrom: ctx.storedFrom.username,
      parse: validateUsername,
      ask: (def, validate) => {
        ui.info(ui.color.dim(`  ${usernameHelp(orgKind, login.sandboxName)}`));
        return prompter.input({
          id: 'username',
          message: 'Run-as username',
          ...(ctx.previous.username ?? def ? { default: ctx.previous.username ?? def } : {}),
          validate,
        });
      },
    });
    ctx.answers.username = username;
    const suffixWarning = orgKind === 'sandbox' ? sandboxUsernameWarning(username, login.sandboxName) : undefined;
    if (suffixWarning) ui.warn(suffixWarning);
    return 'next';
  },
};
