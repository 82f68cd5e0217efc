import type { StepOutcome, WizardContext } from './context.js';
import { renderInstructions, type InstructionInput, type ManualInstructions } from './instructions.js';

/** Hands a Setup URL to the browser (interactive, no --no-open, no --dry-run); a failure is only a warning. */
export async function openPage(ctx: WizardContext, url: string | undefined, again = false): Promise<void> {
  if (!url || !ctx.canOpen) return;
  // Consecutive steps on the same page: the tab is already open (the user can ask to reopen it).
  if (!again && ctx.lastOpened === url) return;
  ctx.lastOpened = url;
  try {
    await ctx.cmd.deps.openUrl(url);
    ctx.cmd.ui.info(ctx.cmd.ui.color.dim('  (sent to your browser; if nothing opened, use the Page link above)'));
  } catch {
    ctx.cmd.ui.warn(`could not open a browser: open ${url} yourself`);
  }
}

/** The fields first; `details` adds the reason behind each (the menu's "Show details"). */
export function showInstructions(ctx: WizardContext, ins: ManualInstructions, details = false): void {
  const { ui } = ctx.cmd;
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
 * all manual steps once as a checklist instead (see run.ts), so this does nothing there.
 */
export async function manualStep(
  ctx: WizardContext,
  ins: ManualInstructions,
  options: { canGoBack: boolean; doneLabel?: string } = { canGoBack: true },
): Promise<StepOutcome> {
  if (!ctx.interactive) return 'next';
  if (ctx.done.has(ins.step)) {
    ctx.cmd.ui.success(`${ins.title} (done earlier)`);
    return 'next';
  }
  showInstructions(ctx, ins);
  if (ctx.dryRun && ins.url) ctx.cmd.ui.info(ctx.cmd.ui.color.dim('  (dry run: the page is not opened)'));
  await openPage(ctx, ins.url);
  const choices: { value: Nav; name: string }[] = [
    { value: 'done', name: options.doneLabel ?? 'Done, continue' },
    { value: 'show', name: 'Show details (the reason for each setting)' },
    ...(ins.url && ctx.canOpen ? [{ value: 'open' as const, name: 'Open the page again' }] : []),
    ...(options.canGoBack ? [{ value: 'back' as const, name: 'Go back one step' }] : []),
  ];
  for (;;) {
    const choice = await ctx.cmd.deps.prompter.select<Nav>({ id: `${ins.step}-done`, message: `${ins.title}: done?`, choices, default: 'done' });
    if (choice === 'done') return 'next';
    if (choice === 'back') return 'back';
    if (choice === 'show') showInstructions(ctx, ins, true);
    if (choice === 'open') await openPage(ctx, ins.url, true);
  }
}

/** The instructions' inputs from what the steps decided so far. */
export function instructionInput(ctx: WizardContext): InstructionInput {
  const a = ctx.answers;
  return {
    appKind: a.appKind ?? 'eca',
    ...(a.loginUrl ? { loginUrl: a.loginUrl } : {}),
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
