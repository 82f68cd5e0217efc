import type { CommandOutcome } from '../command.js';
import { profileCredentials } from '../core/credentials.js';
import { failureError, INTERACTIVE_WAIT_SECONDS, rememberSuccess, verifyCredentials, warnAboutSkew } from '../core/verification.js';
import { audienceMatrix } from '../salesforce/audience-matrix.js';
import type { FindingCode } from '../salesforce/codes.js';
import type { VerificationOutcome } from '../salesforce/verify.js';
import { readConfig, updateConfig } from '../store/config-store.js';
import { configFile } from '../store/paths.js';
import { upsertProfile, type ConfigDocument, type Profile } from '../store/profile.js';
import { clearProgress, progressFile } from '../store/progress.js';
import { renderAttempts } from '../ui/verification.js';
import { labelOf } from './answers.js';
import type { Effect, ManualStepId, WizardContext } from './context.js';
import { perform, performPending } from './effects.js';
import { instructionsFor, MANUAL_STEPS, renderChecklist } from './instructions.js';
import { instructionInput } from './manual.js';
import { isMissing, missingValuesError, resolve, type ResolveSpec } from './resolve.js';
import { parseAppName, parseEmail } from './steps/app.js';
import { consumerKeySpec } from './steps/consumer-key.js';
import { renderPlan, renderSummary } from './steps/next-steps.js';
import { loginUrlSpec, orgKindSpec, usernameSpec } from './steps/org.js';
import { runSteps, saveProgress } from './steps-runner.js';

function setupUrls(ctx: Pick<WizardContext, 'answers' | 'alias' | 'login'>): Partial<Record<ManualStepId, string>> {
  const input = instructionInput(ctx);
  const urls: Partial<Record<ManualStepId, string>> = {};
  for (const step of MANUAL_STEPS) {
    const url = instructionsFor(step, input).url;
    if (url) urls[step] = url;
  }
  return urls;
}

function buildProfile(ctx: Pick<WizardContext, 'answers' | 'alias' | 'deps'>, existing: Profile | undefined): Profile {
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
    createdAt: existing?.createdAt ?? ctx.deps.now().toISOString(),
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
  const typed = [loginUrlSpec(ctx, 'production'), usernameSpec(ctx, 'production'), consumerKeySpec(ctx)] as ResolveSpec<unknown>[];
  // Each spec parses its given value: a bad flag or variable is exit 2 naming it.
  for (const spec of typed) if (spec.given) spec.parse(spec.given.value, spec.given.from);
  if (options.appName !== undefined) parseAppName(options.appName, '--app-name');
  if (options.contactEmail !== undefined) parseEmail(options.contactEmail, '--contact-email');
  // A run that cannot ask names every missing value at once, not one per attempt.
  if (!ctx.interactive) {
    const missing = [orgKindSpec(ctx) as ResolveSpec<unknown>, ...typed].filter((spec) => isMissing(ctx, spec));
    if (missing.length > 0) throw missingValuesError(missing);
  }
}

/** Not interactive: the manual steps, printed once as a checklist (an interactive run showed each in its step). */
function checklistEffect(ctx: WizardContext, urls: Partial<Record<ManualStepId, string>>): Effect {
  return {
    describe: MANUAL_STEPS.flatMap((step) => (urls[step] ? [{ action: 'open' as const, detail: `${urls[step]} (${step}; printed only)` }] : [])),
    async apply() {
      for (const line of renderChecklist(MANUAL_STEPS.map((s) => instructionsFor(s, instructionInput(ctx))))) ctx.ui.info(line);
    },
  };
}

function saveProfileEffect(ctx: WizardContext, profile: Profile, onSaved: (config: ConfigDocument) => void): Effect {
  const file = configFile(ctx.configDir);
  return {
    describe: [{ action: 'save', detail: `profile "${ctx.alias}" in ${file} (0600)` }],
    async apply() {
      onSaved(await updateConfig(ctx.configDir, (current) => upsertProfile(current, profile)));
      if (!ctx.written.includes(file)) ctx.written.push(file);
      ctx.ui.success(`Saved profile "${ctx.alias}" in ${file}`);
    },
  };
}

/** The token exchange against the saved profile; a success is remembered in it (the working pair). */
function verifyEffect(ctx: WizardContext, profile: Profile, config: () => ConfigDocument, waitSeconds: number, onOutcome: (outcome: VerificationOutcome) => void): Effect {
  const pairs = audienceMatrix({ login: ctx.login!, orgKind: profile.orgKind }).map((p) => `${p.login.url} aud=${p.audience}`);
  return {
    describe: [{ action: 'verify', detail: `token exchange as ${profile.username} with consumer key ${profile.clientId}, trying ${pairs.join(', then ')}${waitSeconds > 0 ? `, retrying propagation errors for up to ${waitSeconds} s` : ''}` }],
    async apply() {
      ctx.verifying = true;
      const creds = profileCredentials(profile, config(), (ctx.options.timeout ?? 30) * 1000, ctx.deps.cwd);
      const release = ctx.interactive ? ctx.deps.prompter.hold?.() : undefined;
      let outcome;
      try {
        outcome = await verifyCredentials(ctx, creds, { waitSeconds });
      } finally {
        release?.();
      }
      warnAboutSkew(ctx, outcome.ok ? outcome.result.clockSkewSeconds : outcome.clockSkewSeconds);
      if (outcome.ok) await rememberSuccess(ctx, creds, outcome);
      onOutcome(outcome);
    },
  };
}

function clearProgressEffect(ctx: WizardContext): Effect {
  return {
    describe: [{ action: 'clear', detail: `wizard progress ${progressFile(ctx.configDir, ctx.alias)}` }],
    apply: () => clearProgress(ctx.configDir, ctx.alias),
  };
}

/**
 * The whole wizard after the alias is known: steps, then the profile, the verification and the
 * summary. Every write, open and call is an effect (effects.ts): a dry run lists the ones a real
 * run applies, in the same order.
 */
export async function runWizard(ctx: WizardContext, config: ConfigDocument): Promise<CommandOutcome> {
  const { options, alias, ui } = ctx;
  if (ctx.interactive) {
    ui.info(ui.color.bold(`sfjwt init: a JWT bearer login for profile "${alias}"`));
    ui.info(ui.color.dim('  Ctrl-C stops at any point; finished steps are remembered, and `sfjwt init -a ' + alias + '` continues.'));
  }
  preflight(ctx);
  await runSteps(ctx);
  await performPending(ctx);

  const urls = setupUrls(ctx);
  ctx.setupUrls = urls;
  if (!ctx.interactive) await perform(ctx, [checklistEffect(ctx, urls)]);

  const existing = config.profiles[alias];
  let profile = buildProfile(ctx, existing);
  const file = configFile(ctx.configDir);
  const files = { keyPath: profile.keyPath, certPath: profile.certPath ?? null };
  const waitSeconds = options.wait ?? (ctx.interactive ? INTERACTIVE_WAIT_SECONDS : 0);
  let saved = config;
  let outcome: VerificationOutcome | undefined;
  const save = (next: Profile) => saveProfileEffect(ctx, next, (written) => (saved = written));
  const verify = (next: Profile) => verifyEffect(ctx, next, () => saved, waitSeconds, (result) => (outcome = result));

  if (ctx.dryRun) {
    await perform(ctx, [save(profile), ...(options.verify ? [verify(profile)] : []), clearProgressEffect(ctx)]);
    return {
      result: { profile, verification: null, files, setupUrls: urls, dryRun: true, plan: ctx.plan },
      human: renderPlan(ctx.plan),
    };
  }

  await perform(ctx, [save(profile)]);
  if (!options.verify) {
    await perform(ctx, [clearProgressEffect(ctx)]);
    return {
      result: { profile, verification: null, files, setupUrls: urls },
      human: renderSummary({ profile, configFile: file, verification: null }),
    };
  }

  for (;;) {
    await perform(ctx, [verify(profile)]);
    const verified = outcome!;
    if (verified.ok) {
      await perform(ctx, [clearProgressEffect(ctx)]);
      const remembered = (await readConfig(ctx.configDir)).profiles[alias] ?? profile;
      const { identitySource: _source, rounds: _rounds, ...verification } = verified.result;
      return {
        result: { profile: remembered, verification: { ...verification, alias }, files, setupUrls: urls },
        human: renderSummary({ profile: remembered, configFile: file, verification: verified.result }),
      };
    }
    if (!ctx.globals.json) {
      ui.info('  Attempts:');
      for (const line of renderAttempts(verified.attempts)) ui.info(`    ${line}`);
    }
    // A failure a value can cause: offer to type that value again, then verify again.
    if (ctx.interactive && (await reenterAfterFailure(ctx, verified.code))) {
      ctx.verifying = false;
      await saveProgress(ctx);
      profile = buildProfile(ctx, existing);
      await perform(ctx, [save(profile)]);
      continue;
    }
    if (!ctx.globals.json) {
      ui.info(`  The profile "${alias}" is saved. Diagnose with \`sfjwt doctor -a ${alias}\`; retry with \`sfjwt verify -a ${alias} --wait 600\`;`);
      ui.info(`  to change a value (consumer key, username, login URL), run \`sfjwt init -a ${alias}\` and choose "Change one of them".`);
    }
    const verification = { ok: false, code: verified.code, message: verified.message, attempts: verified.attempts, clockSkewSeconds: verified.clockSkewSeconds, working: verified.working, elapsedMs: verified.elapsedMs };
    return {
      ok: false,
      exitCode: 1,
      error: failureError(verified, { profile, verification, files, setupUrls: urls }),
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
  const choice = await ctx.deps.prompter.select<'clientId' | 'username' | 'loginUrl' | 'stop'>({
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
  if (choice === 'loginUrl') {
    ctx.login = await resolve(ctx, { ...loginUrlSpec(ctx, orgKind), ...fresh, ...(ctx.login ? { suggested: ctx.login } : {}) });
    ctx.answers.loginUrl = ctx.login.url;
  }
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
