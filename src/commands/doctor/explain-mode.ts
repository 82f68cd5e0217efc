import type { CommandContext, CommandOutcome } from '../../command.js';
import { UsageError } from '../../errors.js';
import { explainError } from '../../doctor/explain-error.js';
import { readConfig } from '../../store/config-store.js';
import { outcomeFor, renderOptions, selectedSettings, type DoctorOptions } from './common.js';

// `doctor --error <text>`: explains a pasted error without contacting Salesforce.

export async function explainMode(options: DoctorOptions, ctx: CommandContext): Promise<CommandOutcome> {
  const text = options.error ?? '';
  if (text.trim() === '') throw new UsageError('--error needs the error text', 'e.g. sfjwt doctor --error "invalid_grant: invalid assertion"');
  // A profile or flags only make the Setup links point at the org; never required, never fatal.
  let context: Parameters<typeof explainError>[1] = {};
  try {
    const settings = await selectedSettings(ctx, options, await readConfig(ctx.configDir), false);
    const url = settings.login?.ok ? settings.login.normalized : undefined;
    // An invalid login URL gets the generic references too.
    if (settings.login?.ok !== false) {
      context = {
        ...(url ? { login: url } : {}),
        ...(settings.appKind ? { appKind: settings.appKind } : {}),
        ...((settings.orgKind ?? url?.orgKindHint) ? { orgKind: (settings.orgKind ?? url?.orgKindHint)! } : {}),
        ...(settings.alias ? { alias: settings.alias } : {}),
      };
    }
  } catch {
    // no usable profile: generic Setup references
  }
  const report = explainError(text, context);
  return outcomeFor(ctx, report, Boolean(options.strict), await renderOptions(ctx, 'sfjwt doctor'));
}
