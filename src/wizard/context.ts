import type { CommandContext } from '../command.js';
import type { Effect as CoreEffect } from '../core/effects.js';
import type { Settings } from '../core/settings.js';
import type { NormalizedLoginUrl } from '../salesforce/login-url.js';
import type { AppKind, OrgKind } from '../salesforce/types.js';

/** `sfjwt init`'s options as commander hands them over (see src/cli.ts). */
export interface InitOptions {
  orgKind?: OrgKind;
  loginUrl?: string;
  username?: string;
  app?: AppKind;
  appName?: string;
  contactEmail?: string;
  access?: string;
  key?: string;
  keySize?: string;
  days?: number;
  outDir?: string;
  clientId?: string;
  wait?: number;
  timeout?: number;
  /** false with --no-open. */
  open: boolean;
  /** false with --no-verify. */
  verify: boolean;
  dryRun: boolean;
  force: boolean;
}

/** Steps in order; the id is also the progress key and the stem of its prompt ids. */
export const STEP_IDS = ['org', 'key', 'app', 'policies', 'access', 'consumer-key', 'verify'] as const;
export type StepId = (typeof STEP_IDS)[number];
export type ManualStepId = 'app' | 'policies' | 'access' | 'consumer-key';

/** Everything the steps decide. Saved in the progress file after each finished step. */
export interface Answers {
  orgKind?: OrgKind;
  loginUrl?: string;
  username?: string;
  keyPath?: string;
  certPath?: string;
  appKind?: AppKind;
  appName?: string;
  contactEmail?: string;
  access?: string;
  clientId?: string;
}
export type AnswerId = keyof Answers;

/** What the run would write, open or call: printed by --dry-run, and the JSON `plan`. */
export interface PlanItem {
  action: 'write' | 'open' | 'save' | 'verify' | 'clear';
  detail: string;
}

/**
 * A side effect a step decided on, as data: what it does (the --dry-run plan lines) and doing it.
 * Steps never apply one themselves; the runner does (effects.ts), so the plan and the run agree.
 */
export type Effect = CoreEffect<PlanItem>;

/** The command context plus what the wizard's steps share (one context, one name: `ctx`). */
export interface WizardContext extends CommandContext {
  options: InitOptions;
  /** Flags and environment variables, resolved once by core/settings.ts (no profile: init writes it). */
  given: Settings;
  alias: string;
  yes: boolean;
  dryRun: boolean;
  /** A Setup page would be handed to the browser: interactive and not --no-open. */
  wouldOpen: boolean;
  answers: Answers;
  /** The login URL answered (answers.loginUrl), as the value object the org step normalised. */
  login?: NormalizedLoginUrl;
  /** The third layer of resolve(): the saved progress, then the existing profile. */
  stored: Answers;
  /** 'answer': given earlier in this run (the user went back to that step's instructions). */
  storedFrom: Partial<Record<AnswerId, 'progress' | 'profile' | 'answer'>>;
  /** Answers of a step the user went back to: offered as prompt defaults. */
  previous: Answers;
  /** Steps finished (this run or, when resuming, an earlier one). */
  done: Set<StepId>;
  generatedKeys?: { keyPath: string; certPath: string };
  /** Certificate fingerprint shown to the user (absent in a dry run before generation). */
  fingerprint?: string;
  /** --dry-run: the effects' descriptions, in the order a real run would apply them. */
  plan: PlanItem[];
  /** Effects decided by a step but deferred until every value resolved (non-interactive runs). */
  pending: Effect[];
  /** Files this run wrote (for the Ctrl-C message). */
  written: string[];
  /** Setup pages per manual step, for the JSON result and the checklist. */
  setupUrls: Partial<Record<ManualStepId, string>>;
  /** This run wrote the progress file at least once. */
  progressSaved?: boolean;
  /** The profile is saved and the verification is running (for the Ctrl-C message). */
  verifying?: boolean;
  /** Last URL handed to the browser, so consecutive steps on one page do not open it twice. */
  lastOpened?: string;
}

/** What a step of questions uses: the values given, stored and answered, and a prompter (create-astro's steps take a Pick like this). */
export type AnswerContext = Pick<WizardContext, 'options' | 'given' | 'stored' | 'storedFrom' | 'previous' | 'answers' | 'login' | 'alias' | 'yes' | 'interactive' | 'deps' | 'ui' | 'warn'>;

/** What a step done in Setup uses: its instructions, the browser, the plan. */
export type ManualContext = Pick<WizardContext, 'interactive' | 'dryRun' | 'done' | 'wouldOpen' | 'lastOpened' | 'plan' | 'answers' | 'login' | 'alias' | 'deps' | 'ui'>;

export type StepOutcome = 'next' | 'back';

/** 'next' with the effects the step wants applied before the next step (or, not interactive, at the end). */
export type StepResult = StepOutcome | { outcome: 'next'; effects: readonly Effect[] };

export interface Step {
  id: StepId;
  title: string;
  run(ctx: WizardContext): Promise<StepResult>;
}
