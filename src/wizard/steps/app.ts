import { flagSetting } from '../../core/settings.js';
import { APP_KINDS, type AppKind } from '../../salesforce/types.js';
import type { AnswerContext, ManualContext, Step } from '../context.js';
import { APP_KIND_CHOICES, instructionsFor } from '../instructions.js';
import { defaultAppName, instructionInput, manualStep } from '../manual.js';
import { badValue, given, resolve } from '../resolve.js';

export function parseAppKind(raw: string, source: string): AppKind {
  const value = raw.trim().toLowerCase();
  if (!(APP_KINDS as readonly string[]).includes(value)) throw badValue(source, `unknown app kind ${JSON.stringify(raw)}`, { type: 'choose eca or connected-app', pass: 'pass --app eca or --app connected-app' });
  return value as AppKind;
}

export function parseAppName(raw: string, source: string): string {
  const value = raw.trim();
  if (value === '' || value.length > 80) throw badValue(source, `an app name has 1-80 characters (this one has ${value.length})`, { type: 'Type a shorter name, or press Enter for the suggested one', pass: 'pass --app-name "<name>"' });
  return value;
}

export function parseEmail(raw: string, source: string): string {
  const value = raw.trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) throw badValue(source, `${JSON.stringify(value)} is not an email address`, { type: 'Type an address such as you@example.com', pass: 'pass --contact-email you@example.com' });
  return value;
}

/** App kind, name and contact email, then the create-the-app instructions (the certificate upload). */
export const appStep: Step = {
  id: 'app',
  title: 'Create the app',
  async run(ctx: AnswerContext & ManualContext) {
    const { options } = ctx;
    const prompter = ctx.deps.prompter;
    const appKind = await resolve<AppKind>(ctx, {
      id: 'app',
      what: 'app kind',
      flag: '--app',
      ...given(ctx.given.appKind),
      stored: ctx.stored.appKind,
      storedFrom: ctx.storedFrom.appKind,
      yesDefault: 'eca',
      fallback: 'eca',
      ...(ctx.previous.appKind ? { suggested: ctx.previous.appKind } : {}),
      parse: parseAppKind,
      ask: (def) => prompter.select<AppKind>({ id: 'app', message: 'Which kind of app will hold the certificate?', choices: APP_KIND_CHOICES.map((c) => ({ ...c })), ...(def ? { default: def } : {}) }),
    });
    ctx.answers.appKind = appKind;
    const appName = await resolve(ctx, {
      id: 'appName',
      what: 'app name',
      flag: '--app-name',
      ...given(flagSetting(options.appName, '--app-name')),
      stored: ctx.stored.appName,
      storedFrom: ctx.storedFrom.appName,
      yesDefault: defaultAppName(ctx.alias),
      fallback: defaultAppName(ctx.alias),
      suggested: ctx.previous.appName ?? defaultAppName(ctx.alias),
      parse: parseAppName,
      ask: (def, validate) => prompter.input({ id: 'appName', message: appKind === 'eca' ? 'External Client App name' : 'Connected App name', ...(def ? { default: def } : {}), validate }),
    });
    ctx.answers.appName = appName;
    const suggestedEmail = ctx.previous.contactEmail ?? (ctx.answers.orgKind === 'sandbox' ? undefined : ctx.answers.username);
    const contactEmail = await resolve(ctx, {
      id: 'contactEmail',
      what: 'contact email',
      flag: '--contact-email',
      ...given(flagSetting(options.contactEmail, '--contact-email')),
      stored: ctx.stored.contactEmail,
      storedFrom: ctx.storedFrom.contactEmail,
      optional: true,
      ...(suggestedEmail ? { suggested: suggestedEmail } : {}),
      parse: parseEmail,
      ask: (def, validate) => prompter.input({ id: 'contactEmail', message: 'Contact email for the app', ...(def ? { default: def } : {}), validate }),
    });
    if (contactEmail) ctx.answers.contactEmail = contactEmail;
    return manualStep(ctx, instructionsFor('app', instructionInput(ctx)));
  },
};
