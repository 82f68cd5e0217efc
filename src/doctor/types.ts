import type { Deps } from '../deps.js';
import type { FindingCode } from '../salesforce/codes.js';
import type { AudiencePair } from '../salesforce/audience-matrix.js';
import type { PublicAttempt } from '../salesforce/exchange.js';
import type { DoctorMemo } from './memo.js';
import type { DoctorSettings } from './settings.js';

/** `crash` is only ever set by the runner: a check that threw (a bug in sfjwt). */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip' | 'crash';

export type Category = 'key' | 'certificate' | 'settings' | 'network' | 'salesforce' | 'error' | 'assertion' | 'org';

export const CATEGORY_TITLES: Record<Category, string> = {
  key: 'Private key',
  certificate: 'Certificate',
  settings: 'Login settings',
  network: 'Network',
  salesforce: 'Salesforce',
  error: 'Pasted error',
  assertion: 'Assertion',
  org: "Org (Salesforce's own records)",
};

/** What `--fix` hands a repair: the edges a check cannot reach (the config dir, prompts, the clock). */
export interface FixIo {
  /** A new folder for the originals of the files a repair rewrites (keys/<alias>/backup/<time>/). */
  backupDir(file: string): string;
  /** The passphrase of an encrypted key: from --passphrase-env, else asked; a usage error when neither can. */
  passphrase(file: string): Promise<string>;
}

/** A safe, local repair that `--fix` may apply (chmod 600, a .gitignore line, a key rewritten in place). */
export interface AutoFix {
  /** What it does, as a confirmation question would say it: "chmod 600 /path/server.key". */
  description: string;
  /** Returns what was done when that says more than the description (where the original went). */
  apply(io: FixIo): Promise<string | void>;
}

export interface CheckFix {
  hint: string;
  /** The Setup page (on the org's own host) or docs URL. */
  url?: string;
  command?: string;
  auto?: AutoFix;
}

/** What a check's run() returns: data only, never printed by the check itself. */
export interface CheckOutcome {
  status: Exclude<CheckStatus, 'crash'>;
  code?: FindingCode;
  summary: string;
  details?: string[];
  causes?: string[];
  fix?: CheckFix;
  /**
   * Whether checks that require this one may run. Defaults to true for pass/warn, false otherwise;
   * a "not applicable here" skip (TLS on a loopback http URL) or an HTTP-level failure that does
   * not stop the token request from being tried set it to true.
   */
  satisfies?: boolean;
}

export interface CheckResult {
  id: string;
  title: string;
  category: Category;
  status: CheckStatus;
  code?: FindingCode;
  summary: string;
  details: string[];
  causes: string[];
  fix?: CheckFix;
  /** See CheckOutcome.satisfies; internal, not in JSON. */
  satisfies: boolean;
}

export interface CheckContext {
  deps: Pick<Deps, 'http' | 'now' | 'sleep' | 'signal' | 'platform' | 'env'>;
  settings: DoctorSettings;
  memo: DoctorMemo;
  /** The org's own records through an admin session (--admin/--admin-org): the "Org" checks. Read once. */
  org?: () => Promise<import('../admin/org-records.js').OrgRecords>;
}

export interface Check {
  /** Stable kebab-case id: used in --only/--skip and JSON. */
  id: string;
  title: string;
  category: Category;
  /** Finding codes this check can report: `--only <code>` selects it. */
  codes: readonly FindingCode[];
  /** Needs the network: skipped under --offline. */
  network?: boolean;
  /** Ids of checks that must be satisfied first; otherwise this one is skipped with the reason. */
  requires?: readonly string[];
  run(ctx: CheckContext): Promise<CheckOutcome>;
}

/** The most likely cause of a failure and its fix, most likely first (diagnose.ts). */
export interface Diagnosis {
  code: FindingCode;
  cause: string;
  fix: string;
  setupUrl: string | null;
  command: string | null;
}

export interface DoctorReport {
  alias: string | null;
  loginUrl: string | null;
  checks: CheckResult[];
  attempts: PublicAttempt[];
  working: AudiencePair | null;
  diagnosis: Diagnosis[];
  clockSkewSeconds: number | null;
  /** Only with --show-assertion: the one doctor output that may hold an assertion. */
  assertion?: ShownAssertion | { error: string };
  /** --fix: what was applied. */
  fixed?: string[];
}

export interface ShownAssertion {
  jwt: string;
  tokenUrl: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

export interface Summary {
  pass: number;
  warn: number;
  fail: number;
  skip: number;
  crash: number;
}
