import type { Effect, ManualContext, StepOutcome, WizardContext } from './context.js';
import { perform } from './effects.js';
import { renderInstructions, type InstructionInput, type ManualInstructions } from './instructions.js';

/** Handing a Setup page to the browser; a failure is only a warning. */
export function openPageEffect(ctx: Pick<WizardContext, 'deps' | 'ui'>, url: string, step: string): Effect {
  return {
    describe: [{ action: 'open', detail: `${url} (${step}; in the browser)` }],
    async apply() {
      try {
        await ctx.deps.openUrl(url);
        ctx.ui.info(ctx.ui.color.dim('  (sent to your browser; if nothing opened, use the Page link above)'));
      } catch {
        ctx.ui.warn(`could not open a browser: open ${url} yourself`);
      }
    },
  };
}

/** Opens a step's Setup page (interactive, not --no-open), once for consecutive steps on one page unless asked `again`. */
async function openPage(ctx: ManualContext, ins: ManualInstructions, again = false): Promise<void> {
  if (!ins.url || !ctx.wouldOpen) return;
  // Consecutive steps on the same page: the tab is already open (the user can ask to reopen it).
  if (!again && ctx.lastOpened === ins.url) return;
  ctx.lastOpened = ins.url;
  await perform(ctx, [openPageEffect(ctx, ins.url, ins.step)]);
}

/** The fields first; `details` adds the reason behind each (the menu's "Show details"). */
export function showInstructions(ctx: Pick<WizardContext, 'ui'>, ins: ManualInstructions, details = false): void {
  const { ui } = ctx;
  const [title, ...rest] = renderInstructions(ins, { details });
  ui.info('');
  ui.info(ui.color.bold(title!));
  for (const line of rest) {
    if (line.startsWith('   ! ')) ui.info(`   ${ui.color.yellow(ui.symbols.warn)} ${line.slice(5)}`);
    else if (line.startsWith('   Page: ')) ui.info(`   Page: ${ui.color.cyan(line.slice(9))}`);
    else ui.info(line);
  }
}

type Nav = 'done' | 'show' | 'open' | 'back';

/**
 * A step the user does in Setup: print the instructions and the URL, open the page, then wait
 * for "done" (or show them again, reopen the page, go back one step). Non-interactive runs print
 * all manual steps once as a checklist instead (see wizard.ts), so this does nothing there.
 */
export async function manualStep(
  ctx: ManualContext,
  ins: ManualInstructions,
  options: { canGoBack: boolean; doneLabel?: string } = { canGoBack: true },
): Promise<StepOutcome> {
  if (!ctx.interactive) return 'next';
  if (ctx.done.has(ins.step)) {
    ctx.ui.success(`${ins.title} (done earlier)`);
    return 'next';
  }
  showInstructions(ctx, ins);
  await openPage(ctx, ins);
  const choices: { value: Nav; name: string }[] = [
    { value: 'done', name: options.doneLabel ?? 'Done, continue' },
    { value: 'show', name: 'Show details (the reason for each setting)' },
    ...(ins.url && ctx.wouldOpen && !ctx.dryRun ? [{ value: 'open' as const, name: 'Open the page again' }] : []),
    ...(options.canGoBack ? [{ value: 'back' as const, name: 'Go back one step' }] : []),
  ];
  for (;;) {
    const choice = await ctx.deps.prompter.select<Nav>({ id: `${ins.step}-done`, message: `${ins.title}: done?`, choices, default: 'done' });
    if (choice === 'done') return 'next';
    if (choice === 'back') return 'back';
    if (choice === 'show') showInstructions(ctx, ins, true);
    if (choice === 'open') await openPage(ctx, ins, true);
  }
}

/** The instructions' inputs from what the steps decided so far. */
export function instructionInput(ctx: Pick<WizardContext, 'answers' | 'alias' | 'login'>): InstructionInput {
  const a = ctx.answers;
  return {
    appKind: a.appKind ?? 'eca',
    ...(ctx.login ? { setupHost: ctx.login.setupHost } : {}),
    certPath: a.certPath ?? '<certificate path>',
    appName: a.appName ?? defaultAppName(ctx.alias),
    ...(a.contactEmail ? { contactEmail: a.contactEmail } : {}),
    username: a.username ?? '<run-as user>',
    ...(a.access ? { access: a.access } : {}),
    ...(a.keyPath ? { keyPath: a.keyPath } : {}),
  };
}

export function defaultAppName(alias: string): string {
  return `sfjwt-${alias}`;
}
