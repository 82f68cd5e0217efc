import type { CommandContext, CommandOutcome } from '../command.js';
import { profileCredentials } from '../core/credentials.js';
import { resolveSettings } from '../core/settings.js';
import { CancelledError } from '../errors.js';
import { failureError, rememberSuccess, verifyCredentials, warnAboutSkew } from '../core/verification.js';
import { audienceMatrix } from '../salesforce/audience-matrix.js';
import type { FindingCode } from '../salesforce/codes.js';
import { normalizeLoginUrl } from '../salesforce/login-url.js';
import { readConfig, updateConfig } from '../store/config-store.js';
import { configFile, validateAlias } from '../store/paths.js';
import { upsertProfile, type ConfigDocument, type Profile } from '../store/profile.js';
import { clearProgress, progressFile, readProgress, writeProgress, type WizardProgress } from '../store/progress.js';
import { renderAttempts } from '../ui/verification.js';
import { GoBack } from '../ui/prompter.js';
import type { AnswerId, Answers, InitOptions, ManualStepId, Step, StepId, StepOutcome, WizardContext } from './context.js';
import { instructionsFor, MANUAL_STEPS, renderChecklist } from './instructions.js';
import { instructionInput } from './manual.js';
import { ANSWER, badValue, isMissing, missingValuesError, resolve, validatorFor, type ResolveSpec } from './resolve.js';
import { accessStep } from './steps/access.js';
import { appStep, parseAppName, parseEmail } from './steps/app.js';
import { consumerKeySpec, consumerKeyStep, parseConsumerKey } from './steps/consumer-key.js';
import { keyStep } from './steps/key.js';
import { renderPlan, renderSummary } from './steps/next-steps.js';
import { loginUrlSpec, orgKindSpec, orgStep, parseLoginUrl, parseUsername, usernameSpec } from './steps/org.js';
import { policiesStep } from './steps/policies.js';
export const INTERACTIVE_WAIT_SECONDS = 600;

export const STEPS: readonly Step[] = [orgStep, keyStep, appStep, policiesStep, accessStep, consumerKeyStep];

/** Which answers each step owns (cleared when the user goes back to it, offered as defaults). */
const OWNED: Record<StepId, AnswerId[]> = {
  org: ['orgKind', 'loginUrl', 'username'],
  key: ['keyPath', 'certPath'],
  app: ['appKind', 'appName', 'contactEmail'],
  policies: [],
  access: ['access'],
  'consumer-key': ['clientId'],
  verify: [],
};

/** -a, SFJWT_ALIAS, then `default` (--yes / non-interactive) or a prompt. Path characters are refused. */
export async function resolveAlias(cmd: CommandContext): Promise<string> {
  const given = cmd.globals.alias ?? cmd.deps.env.SFJWT_ALIAS;
  if (given !== undefined) return validateAlias(given, cmd.globals.alias !== undefined ? '--alias' : 'SFJWT_ALIAS');
  if (!cmd.interactive || cmd.globals.yes) return 'default';
  const answer = await cmd.deps.prompter.input({
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
export async function createWizard(cmd: CommandContext, options: InitOptions, alias: string): Promise<{ ctx: WizardContext; config: ConfigDocument }> {
  const config = await readConfig(cmd.configDir);
  const profile = config.profiles[alias];
  const { progress, problem } = await readProgress(cmd.configDir, alias);
  if (problem) cmd.warn('usage', problem);
  const interactive = cmd.interactive;
  const dryRun = options.dryRun;
  const ctx: WizardContext = {
    cmd,
    options,
    alias,
    interactive,
    yes: cmd.globals.yes,
    dryRun,
    canOpen: interactive && options.open && !dryRun,
    answers: {},
    stored: {},
    storedFrom: {},
    previous: {},
    done: new Set(),
    plan: [],
    effects: [],
    written: [],
    setupUrls: {},
  };
  const fromProfile = profileAnswers(profile);
  let fromProgress: Answers = {};
  let changed = new Set<AnswerId>();
  if (progress && progress.completed.length > 0) {
    fromProgress = progressAnswers(progress);
    let resume = true;
    if (interactive && !ctx.yes) ({ resume, changed } = await askResume(cmd, alias, { ...fromProfile, ...fromProgress }));
    if (resume) {
      for (const id of progress.completed) ctx.done.add(id as StepId);
      if (progress.generatedKeys) ctx.generatedKeys = progress.generatedKeys;
      cmd.ui.info(cmd.ui.color.dim(`Continuing from ${progressFile(cmd.configDir, alias)}`));
    } else fromProgress = {};
  }
  ctx.stored = { ...fromProfile, ...fromProgress };
  for (const id of Object.keys(fromProfile) as AnswerId[]) ctx.storedFrom[id] = 'profile';
  for (const id of Object.keys(fromProgress) as AnswerId[]) ctx.storedFrom[id] = 'progress';
  // A value the user chose to change is asked again, and its step (instructions included) is redone.
  for (const id of changed) {
    delete ctx.stored[id];
    ctx.done.delete(ownerOf(id));
  }
  return { ctx, config };
}

/** What the resume screen shows, in step order; the key pair is shown but changed by starting over. */
const ANSWER_LABELS: readonly [AnswerId, string][] = [
  ['orgKind', 'org kind'],
  ['loginUrl', 'login URL'],
  ['username', 'run-as username'],
  ['keyPath', 'private key'],
  ['appKind', 'app kind'],
  ['appName', 'app name'],
  ['contactEmail', 'contact email'],
  ['access', 'profile or permission set'],
  ['clientId', 'consumer key'],
];
const CHANGEABLE = new Set<AnswerId>(['orgKind', 'loginUrl', 'username', 'appKind', 'appName', 'contactEmail', 'access', 'clientId']);

function ownerOf(id: AnswerId): StepId {
  return (Object.keys(OWNED) as StepId[]).find((step) => OWNED[step].includes(id))!;
}

/**
 * The resume screen: the saved values (not step ids), then continue, change one of them (asked
 * again in its step), or start over.
 */
async function askResume(cmd: CommandContext, alias: string, saved: Answers): Promise<{ resume: boolean; changed: Set<AnswerId> }> {
  const { ui } = cmd;
  const shown = ANSWER_LABELS.filter(([id]) => saved[id] !== undefined);
  ui.info(ui.color.bold(`Saved answers for "${alias}" from an earlier run:`));
  for (const [id, label] of shown) ui.info(`  ${label.padEnd(27)} ${saved[id]}`);
  const pending = new Set<AnswerId>();
  for (;;) {
    const left = shown.filter(([id]) => CHANGEABLE.has(id) && !pending.has(id));
    const choice = await cmd.deps.prompter.select<'continue' | 'change' | 'restart'>({
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
    const which = await cmd.deps.prompter.select<AnswerId>({
      id: 'resumeChange',
      message: 'Which one?',
      choices: left.map(([id, label]) => ({ value: id, name: `${label}: ${saved[id]}` })),
    });
    pending.add(which);
  }
}

function labelOf(id: AnswerId): string {
  return ANSWER_LABELS.find(([answer]) => answer === id)![1];
}
async function saveProgress(ctx: WizardContext): Promise<void> {
  // Non-interactive runs are one shot (every value is a flag): nothing is written before all resolved.
  if (ctx.dryRun || !ctx.interactive) return;
  const progress: WizardProgress = {
    schemaVersion: 1,
    alias: ctx.alias,
    completed: [...ctx.done],
    answers: { ...ctx.answers },
    ...(ctx.generatedKeys ? { generatedKeys: ctx.generatedKeys } : {}),
    updatedAt: ctx.cmd.deps.now().toISOString(),
  };
  await writeProgress(ctx.cmd.configDir, progress);
  ctx.progressSaved = true;
}

/** Forgets a step's answers so it asks again, offering them as defaults. */
function reask(ctx: WizardContext, step: StepId): void {
  ctx.done.delete(step);
  for (const id of OWNED[step]) {
    const value = ctx.answers[id] ?? ctx.stored[id];
    if (value !== undefined) (ctx.previous as Record<string, unknown>)[id] = value;
    delete ctx.answers[id];
    delete ctx.stored[id];
  }
}

/**
 * Runs the steps in order. "Go back one step" (a manual step's menu) lands on the previous step:
 * the app step keeps its answers and shows its instructions again; a step of questions asks them
 * again with the answers as defaults. Escape at a prompt (GoBack) asks the current step again when
 * it has answered something already, else goes back one step.
 */
export async function runSteps(ctx: WizardContext, steps: readonly Step[] = STEPS): Promise<void> {
  let index = 0;
  while (index < steps.length) {
    if (ctx.cmd.deps.signal.aborted) throw new CancelledError();
    const step = steps[index]!;
    let outcome: StepOutcome | 'again';
    try {
      outcome = await step.run(ctx);
    } catch (error) {
      if (!(error instanceof GoBack)) throw error;
      outcome = OWNED[step.id].some((id) => ctx.answers[id] !== undefined) ? 'again' : 'back';
    }
    if (outcome === 'again' || (outcome === 'back' && index === 0)) {
      reask(ctx, step.id);
      continue;
    }
    if (outcome === 'back') {
      index -= 1;
      const previous = steps[index]!;
      if (previous.id === 'app') {
        ctx.done.delete('app');
        for (const id of OWNED.app) {
          const value = ctx.answers[id];
          if (value === undefined) continue;
          (ctx.stored as Record<string, unknown>)[id] = value;
          ctx.storedFrom[id] = 'answer';
        }
      } else reask(ctx, previous.id);
      continue;
    }
    ctx.done.add(step.id);
    await saveProgress(ctx);
    index += 1;
  }
}

function setupUrls(ctx: WizardContext): Partial<Record<ManualStepId, string>> {
  const input = instructionInput(ctx);
  const urls: Partial<Record<ManualStepId, string>> = {};
  for (const step of MANUAL_STEPS) {
    const url = instructionsFor(step, input).url;
    if (url) urls[step] = url;
  }
  return urls;
}

function buildProfile(ctx: WizardContext, existing: Profile | undefined): Profile {
  const a = ctx.answers;
  const next: Profile = {
    ...(existing ?? {}),
    alias: ctx.alias,
    loginUrl: a.loginUrl!,
    username: a.username!,
    clientId: a.clientId!,
    keyPath: a.keyPath!,
    certPath: a.certPath!,
    orgKind: a.orgKind!,
    appKind: a.appKind!,
    createdAt: existing?.createdAt ?? ctx.cmd.deps.now().toISOString(),
  };
  // The pair that worked before says nothing about another org, user, app or key.
  const changed =
    existing !== undefined &&
    (existing.loginUrl !== next.loginUrl || existing.username !== next.username || existing.clientId !== next.clientId || existing.keyPath !== next.keyPath);
  if (changed) {
    delete next.audience;
    delete next.lastVerified;
  }
  return next;
}

/**
 * Values given as flags or environment variables are checked before the first question, so
 * nobody answers questions for a run that cannot succeed (STYLE §2 preflight).
 */
function preflight(ctx: WizardContext): void {
  const { options } = ctx;
  // The same resolution as every command's, without the profile (the wizard is writing it).
  const given = resolveSettings({ flags: options, env: ctx.cmd.deps.env, cwd: ctx.cmd.deps.cwd });
  if (given.loginUrl) parseLoginUrl(given.loginUrl.value, given.loginUrl.from);
  if (given.username) parseUsername(given.username.value, given.username.from);
  if (given.clientId) parseConsumerKey(given.clientId.value, given.clientId.from);
  if (options.appName !== undefined) parseAppName(options.appName, '--app-name');
  if (options.contactEmail !== undefined) parseEmail(options.contactEmail, '--contact-email');
  // A run that cannot ask names every missing value at once, not one per attempt.
  if (!ctx.interactive) {
    const specs = [orgKindSpec(ctx), loginUrlSpec(ctx, 'production'), usernameSpec(ctx, 'production'), consumerKeySpec(ctx)] as ResolveSpec<unknown>[];
    const missing = specs.filter((spec) => isMissing(ctx, spec));
    if (missing.length > 0) throw missingValuesError(missing);
  }
}

/** The whole wizard after the alias is known: steps, then the profile, the verification and the summary. */
export async function runWizard(ctx: WizardContext, config: ConfigDocument): Promise<CommandOutcome> {
  const { cmd, options, alias } = ctx;
  const { ui } = cmd;
  if (ctx.interactive) {
    ui.info(ui.color.bold(`sfjwt init: a JWT bearer login for profile "${alias}"`));
    ui.info(ui.color.dim('  Ctrl-C stops at any point; finished steps are remembered, and `sfjwt init -a ' + alias + '` continues.'));
  }
  preflight(ctx);
  await runSteps(ctx);
  for (const effect of ctx.effects) await effect();

  const urls = setupUrls(ctx);
  ctx.setupUrls = urls;
  if (!ctx.interactive) for (const line of renderChecklist(MANUAL_STEPS.map((s) => instructionsFor(s, instructionInput(ctx))))) ui.info(line);

  const existing = config.profiles[alias];
  let profile = buildProfile(ctx, existing);
  const file = configFile(cmd.configDir);
  const files = { keyPath: profile.keyPath, certPath: profile.certPath ?? null };
  const waitSeconds = options.wait ?? (ctx.interactive ? INTERACTIVE_WAIT_SECONDS : 0);

  if (ctx.dryRun) {
    for (const step of MANUAL_STEPS) {
      const url = urls[step];
      if (url) ctx.plan.push({ action: 'open', detail: `${url} (${step}; ${ctx.interactive && options.open ? 'in the browser' : 'printed only'})` });
    }
    ctx.plan.push({ action: 'save', detail: `profile "${alias}" in ${file} (0600)` });
    if (options.verify) {
      const pairs = audienceMatrix({ loginUrl: profile.loginUrl, orgKind: profile.orgKind }).map((p) => `${p.loginUrl} aud=${p.audience}`);
      ctx.plan.push({ action: 'verify', detail: `token exchange as ${profile.username} with consumer key ${profile.clientId}, trying ${pairs.join(', then ')}${waitSeconds > 0 ? `, retrying propagation errors for up to ${waitSeconds} s` : ''}` });
    }
    ctx.plan.push({ action: 'clear', detail: `wizard progress ${progressFile(cmd.configDir, alias)}` });
    return {
      result: { profile, verification: null, files, setupUrls: urls, dryRun: true, plan: ctx.plan },
      human: renderPlan(ctx.plan),
    };
  }

  const save = async (next: Profile) => {
    const written = await updateConfig(cmd.configDir, (current) => upsertProfile(current, next));
    if (!ctx.written.includes(file)) ctx.written.push(file);
    ui.success(`Saved profile "${alias}" in ${file}`);
    return written;
  };
  let saved = await save(profile);

  if (!options.verify) {
    await clearProgress(cmd.configDir, alias);
    return {
      result: { profile, verification: null, files, setupUrls: urls },
      human: renderSummary({ profile, configFile: file, verification: null }),
    };
  }

  for (;;) {
    ctx.verifying = true;
    const creds = profileCredentials(profile, saved, (ctx.options.timeout ?? 30) * 1000, cmd.deps.cwd);
    const release = ctx.interactive ? cmd.deps.prompter.hold?.() : undefined;
    let outcome;
    try {
      outcome = await verifyCredentials(cmd, creds, { waitSeconds });
    } finally {
      release?.();
    }
    warnAboutSkew(cmd, outcome.ok ? outcome.result.clockSkewSeconds : outcome.clockSkewSeconds);
    if (outcome.ok) {
      await rememberSuccess(cmd, creds, outcome);
      await clearProgress(cmd.configDir, alias);
      const verified = (await readConfig(cmd.configDir)).profiles[alias] ?? profile;
      const { identitySource: _source, rounds: _rounds, ...verification } = outcome.result;
      return {
        result: { profile: verified, verification: { ...verification, alias }, files, setupUrls: urls },
        human: renderSummary({ profile: verified, configFile: file, verification: outcome.result }),
      };
    }
    if (!cmd.globals.json) {
      ui.info('  Attempts:');
      for (const line of renderAttempts(outcome.attempts)) ui.info(`    ${line}`);
    }
    // A failure a value can cause: offer to type that value again, then verify again.
    if (ctx.interactive && (await reenterAfterFailure(ctx, outcome.code))) {
      ctx.verifying = false;
      await saveProgress(ctx);
      profile = buildProfile(ctx, existing);
      saved = await save(profile);
      continue;
    }
    if (!cmd.globals.json) {
      ui.info(`  The profile "${alias}" is saved. Diagnose with \`sfjwt doctor -a ${alias}\`; retry with \`sfjwt verify -a ${alias} --wait 600\`;`);
      ui.info(`  to change a value (consumer key, username, login URL), run \`sfjwt init -a ${alias}\` and choose "Change one of them".`);
    }
    const verification = { ok: false, code: outcome.code, message: outcome.message, attempts: outcome.attempts, clockSkewSeconds: outcome.clockSkewSeconds, working: outcome.working, elapsedMs: outcome.elapsedMs };
    return {
      ok: false,
      exitCode: 1,
      error: failureError(outcome, { profile, verification, files, setupUrls: urls }),
      result: { profile, verification, files, setupUrls: urls },
    };
  }
}

/** Which typed values can cause each verification failure (the ones worth re-entering). */
const CAUSED_BY: Partial<Record<FindingCode, ('clientId' | 'username' | 'loginUrl')[]>> = {
  'client-id-invalid': ['clientId'],
  'app-not-installed': ['clientId', 'loginUrl'],
  'user-not-approved': ['username'],
  'user-not-admin-approved': ['username'],
  'inactive-user': ['username'],
  'authentication-failure': ['username'],
  'audience-invalid': ['loginUrl'],
  'network-error': ['loginUrl'],
  'tls-error': ['loginUrl'],
  timeout: ['loginUrl'],
  'not-token-endpoint': ['loginUrl'],
};

/** Offers to type again a value the failure may come from; true when one was changed. */
async function reenterAfterFailure(ctx: WizardContext, code: FindingCode): Promise<boolean> {
  const ids = CAUSED_BY[code];
  if (!ids) return false;
  const choice = await ctx.cmd.deps.prompter.select<'clientId' | 'username' | 'loginUrl' | 'stop'>({
    id: 'verify-failed',
    message: 'The login failed. Type a value again and retry?',
    choices: [
      ...ids.map((id) => ({ value: id, name: `Enter the ${labelOf(id)} again (now ${ctx.answers[id]})` })),
      { value: 'stop' as const, name: 'Stop here (the profile stays saved)' },
    ],
    default: ids[0],
  });
  if (choice === 'stop') return false;
  // Asked at the prompt whatever the flags said: the user just chose to replace that value.
  const fresh = { flagValue: undefined, env: undefined, stored: undefined };
  const orgKind = ctx.answers.orgKind ?? 'production';
  if (choice === 'clientId') ctx.answers.clientId = await resolve(ctx, { ...consumerKeySpec(ctx), ...fresh, suggested: ctx.answers.clientId });
  if (choice === 'username') ctx.answers.username = await resolve(ctx, { ...usernameSpec(ctx, orgKind), ...fresh, suggested: ctx.answers.username });
  if (choice === 'loginUrl') ctx.answers.loginUrl = (await resolve(ctx, { ...loginUrlSpec(ctx, orgKind), ...fresh, suggested: normalizeLoginUrl(ctx.answers.loginUrl!) })).url;
  return true;
}

/** The Ctrl-C message: says truthfully what, if anything, was written and how to continue. */
export function cancelMessage(ctx: WizardContext | undefined): string {
  if (!ctx || ctx.dryRun) return `Cancelled; nothing was written${ctx?.dryRun ? ' (dry run)' : ''}.`;
  const continueWith = `run \`sfjwt init -a ${ctx.alias}\` to continue`;
  if (ctx.verifying) {
    return `Cancelled during the verification. The profile "${ctx.alias}" is saved: \`sfjwt verify -a ${ctx.alias} --wait 600\` retries, or ${continueWith}.`;
  }
  if (ctx.written.length === 0 && !ctx.progressSaved) {
    return ctx.done.size > 0 ? `Cancelled; nothing new was written (the earlier progress is kept: ${continueWith}).` : 'Cancelled; nothing was written.';
  }
  const kept = ctx.written.join(', ');
  const steps = [...ctx.done].join(', ');
  return `Cancelled. Kept${kept ? ` ${kept}` : ''}${steps ? `${kept ? ' and' : ''} the progress after: ${steps}` : ''}; ${continueWith}.`;
}
