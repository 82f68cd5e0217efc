import type { FindingCode } from '../salesforce/codes.js';
import { findingFor } from '../salesforce/findings.js';
import type { AutoFix, CheckContext, CheckOutcome } from './types.js';

/** ` -a <alias>` when a profile is in use, so a suggested command acts on the same profile. */
export function aliasFlag(alias: string | null | undefined): string {
  return alias ? ` -a ${alias}` : '';
}

/** How to ask for the automatic fixes: the profile's doctor, or this same command when flags gave the values. */
export function fixCommand(ctx: CheckContext): string {
  return ctx.settings.alias ? `\`sfjwt doctor${aliasFlag(ctx.settings.alias)} --fix\`` : 'this doctor command with --fix';
}

export function pass(summary: string, details: string[] = []): CheckOutcome {
  return { status: 'pass', summary, details };
}

/** Not applicable here: shown as skipped, and does not hold back the checks that depend on it. */
export function notApplicable(summary: string): CheckOutcome {
  return { status: 'skip', summary, satisfies: true };
}

export interface FindingExtras {
  /** Overrides the catalogue's first fix. */
  hint?: string;
  command?: string;
  details?: string[];
  auto?: AutoFix;
  /** Replaces the catalogue's causes (when the check knows the actual one). */
  causes?: string[];
  satisfies?: boolean;
}

/**
 * A warn or fail carrying a finding code: causes from the catalogue (salesforce/findings.ts), the fix
 * hint (the check's own, else the catalogue's first), the Setup page on the org's own host.
 */
export function finding(ctx: CheckContext, status: 'warn' | 'fail', code: FindingCode, summary: string, extras: FindingExtras = {}): CheckOutcome {
  const info = findingFor(code, ctx.memo.findingContext());
  return {
    status,
    code,
    summary,
    details: extras.details ?? [],
    causes: extras.causes ?? info.causes,
    fix: {
      hint: extras.hint ?? info.fixes[0] ?? info.title,
      ...(info.setupUrl ? { url: info.setupUrl } : {}),
      ...(extras.command ? { command: extras.command } : {}),
      ...(extras.auto ? { auto: extras.auto } : {}),
    },
    ...(extras.satisfies !== undefined ? { satisfies: extras.satisfies } : {}),
  };
}
