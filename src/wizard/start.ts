import { explicitAlias } from '../core/select-profile.js';
import type { CommandContext } from '../command.js';
import { resolveSettings } from '../core/settings.js';
import { readConfig } from '../store/config-store.js';
import { validateAlias } from '../store/paths.js';
import type { ConfigDocument, Profile } from '../store/profile.js';
import { progressFile, readProgress, type WizardProgress } from '../store/progress.js';
import { ANSWER_LABELS, CHANGEABLE, labelOf, ownerOf } from './answers.js';
import type { AnswerId, Answers, InitOptions, StepId, WizardContext } from './context.js';
import { ANSWER, badValue, validatorFor } from './resolve.js';

/** -a, SFJWT_ALIAS, then `default` (--yes / non-interactive) or a prompt. Path characters are refused. */
export async function resolveAlias(ctx: CommandContext): Promise<string> {
  const named = explicitAlias(ctx);
  if (named) return validateAlias(named.value, named.from);
  if (!ctx.interactive || ctx.globals.yes) return 'default';
  const answer = await ctx.deps.prompter.input({
    id: 'alias',
    message: 'Profile name (alias) for this org and user',
    default: 'default',
    validate: validatorFor((raw) => {
      if (raw.trim() === '' || validatorFor(validateAlias)(raw) !== true) {
        throw badValue(ANSWER, 'an alias has letters, digits, ".", "_" or "-" (at most 64, starting with a letter or digit)', { type: 'Type a name such as prod or acme-uat', pass: '' });
      }
    }),
  });
  return validateAlias(answer);
}

function profileAnswers(profile: Profile | undefined): Answers {
  if (!profile) return {};
  return {
    orgKind: profile.orgKind,
    loginUrl: profile.loginUrl,
    username: profile.username,
    keyPath: profile.keyPath,
    ...(profile.certPath ? { certPath: profile.certPath } : {}),
    appKind: profile.appKind,
    ...(profile.clientId ? { clientId: profile.clientId } : {}),
  };
}

function progressAnswers(progress: WizardProgress): Answers {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(progress.answers)) if (typeof v === 'string') out[k] = v;
  return out as Answers;
}

/** Reads config and progress, asks whether to resume, and builds the context the steps share. */
export async function createWizard(ctx: CommandContext, options: InitOptions, alias: string): Promise<{ wizard: WizardContext; config: ConfigDocument }> {
  const config = await readConfig(ctx.configDir);
  const profile = config.profiles[alias];
  const { progress, problem } = await readProgress(ctx.configDir, alias);
  if (problem) ctx.warn('usage', problem);
  const wizard: WizardContext = {
    ...ctx,
    options,
    // The same resolution as every command's, without the profile (the wizard is writing it).
    given: resolveSettings({ flags: options, env: ctx.deps.env, cwd: ctx.deps.cwd, homedir: ctx.deps.homedir }),
    alias,
    yes: ctx.globals.yes,
    dryRun: options.dryRun,
    wouldOpen: ctx.interactive && options.open,
    answers: {},
    stored: {},
    storedFrom: {},
    previous: {},
    done: new Set(),
    plan: [],
    pending: [],
    written: [],
    setupUrls: {},
  };
  const fromProfile = profileAnswers(profile);
  let fromProgress: Answers = {};
  let changed = new Set<AnswerId>();
  if (progress && progress.completed.length > 0) {
    fromProgress = progressAnswers(progress);
    let resume = true;
    if (wizard.interactive && !wizard.yes) ({ resume, changed } = await askResume(ctx, alias, { ...fromProfile, ...fromProgress }));
    if (resume) {
      for (const id of progress.completed) wizard.done.add(id as StepId);
      if (progress.generatedKeys) wizard.generatedKeys = progress.generatedKeys;
      ctx.ui.info(ctx.ui.color.dim(`Continuing from ${progressFile(ctx.configDir, alias)}`));
    } else fromProgress = {};
  }
  wizard.stored = { ...fromProfile, ...fromProgress };
  for (const id of Object.keys(fromProfile) as AnswerId[]) wizard.storedFrom[id] = 'profile';
  for (const id of Object.keys(fromProgress) as AnswerId[]) wizard.storedFrom[id] = 'progress';
  // A value the user chose to change is asked again, and its step (instructions included) is redone.
  for (const id of changed) {
    delete wizard.stored[id];
    wizard.done.delete(ownerOf(id));
  }
  return { wizard, config };
}

/**
 * The resume screen: the saved values (not step ids), then continue, change one of them (asked
 * again in its step), or start over.
 */
async function askResume(ctx: CommandContext, alias: string, saved: Answers): Promise<{ resume: boolean; changed: Set<AnswerId> }> {
  const { ui } = ctx;
  const shown = ANSWER_LABELS.filter(([id]) => saved[id] !== undefined);
  ui.info(ui.color.bold(`Saved answers for "${alias}" from an earlier run:`));
  for (const [id, label] of shown) ui.info(`  ${label.padEnd(27)} ${saved[id]}`);
  const pending = new Set<AnswerId>();
  for (;;) {
    const left = shown.filter(([id]) => CHANGEABLE.has(id) && !pending.has(id));
    const choice = await ctx.deps.prompter.select<'continue' | 'change' | 'restart'>({
      id: 'resume',
      message: pending.size > 0 ? `Continue, asking again for: ${[...pending].map(labelOf).join(', ')}?` : 'Continue with these answers?',
      choices: [
        { value: 'continue', name: 'Continue' },
        ...(left.length > 0 ? [{ value: 'change' as const, name: 'Change one of them' }] : []),
        { value: 'restart', name: 'Start over (the saved answers are forgotten; files stay)' },
      ],
      default: 'continue',
    });
    if (choice === 'restart') return { resume: false, changed: new Set() };
    if (choice === 'continue') return { resume: true, changed: pending };
    const which = await ctx.deps.prompter.select<AnswerId>({
      id: 'resumeChange',
      message: 'Which one?',
      choices: left.map(([id, label]) => ({ value: id, name: `${label}: ${saved[id]}` })),
    });
    pending.add(which);
  }
}

