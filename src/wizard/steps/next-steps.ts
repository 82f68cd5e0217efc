import type { VerificationResult } from '../../salesforce/verify.js';
import type { Profile } from '../../store/profile.js';
import { renderVerificationSuccess } from '../../ui/verification.js';
import { nextSteps } from '../instructions.js';

/** The closing block on stdout: what was saved, what was proven, and the commands to run next. */
export function renderSummary(input: { profile: Profile; configFile: string; verification: VerificationResult | null }): string {
  const { profile, verification } = input;
  const lines = [`Profile "${profile.alias}" saved in ${input.configFile}`];
  lines.push(`  key ${profile.keyPath}`, `  certificate ${profile.certPath ?? '-'}`);
  if (verification) lines.push(renderVerificationSuccess(verification));
  else lines.push(`Not verified (--no-verify): run \`sfjwt verify -a ${profile.alias} --wait 600\` once the app is set up.`);
  lines.push('Next:', ...nextSteps(profile.alias).map((l) => `  ${l}`));
  return lines.join('\n');
}

/** --dry-run: the plan, one line per effect. */
export function renderPlan(plan: { action: string; detail: string }[]): string {
  return ['Dry run: nothing was written. The run would:', ...plan.map((p) => `  ${p.action.padEnd(6)} ${p.detail}`)].join('\n');
}
