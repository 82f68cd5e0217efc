import fs from 'node:fs/promises';
import type { CommandContext, CommandOutcome } from '../../command.js';
import { parseCertificate, parsePrivateKey } from '../../crypto/pem.js';
import { UsageError } from '../../errors.js';
import { inspectAssertion, type AssertionInspection } from '../../doctor/inspect-assertion.js';
import { type DoctorSettings } from '../../doctor/settings.js';
import type { DoctorReport } from '../../doctor/types.js';
import { readConfig } from '../../store/config-store.js';
import { outcomeFor, renderOptions, selectedSettings, type DoctorOptions } from './common.js';

// `doctor --assertion <jwt>`: inspects someone's assertion against the expected values.

async function verifierFor(settings: DoctorSettings): Promise<Pick<AssertionInspection, 'verifier' | 'verifierProblem'>> {
  if (settings.certPath) {
    try {
      const parsed = parseCertificate(await fs.readFile(settings.certPath, 'utf8'), settings.certPath);
      return { verifier: { key: parsed.pem, label: `the certificate ${settings.certPath}` } };
    } catch (error) {
      return { verifierProblem: `cannot verify: ${(error as Error).message}` };
    }
  }
  if (settings.key) {
    try {
      const text = settings.key.kind === 'env' ? settings.key.text : await fs.readFile(settings.key.path, 'utf8');
      const label = settings.key.kind === 'env' ? 'SFJWT_KEY' : settings.key.path;
      return { verifier: { key: parsePrivateKey(text, label).key, label: `the public half of the key ${label}` } };
    } catch (error) {
      return { verifierProblem: `cannot verify: ${(error as Error).message}` };
    }
  }
  return { verifierProblem: 'no certificate to verify against (pass --cert <file>, or -a <alias>)' };
}

export async function assertionMode(options: DoctorOptions, ctx: CommandContext): Promise<CommandOutcome> {
  const jwt = options.assertion ?? '';
  if (jwt.trim() === '') throw new UsageError('--assertion needs the JWT', 'e.g. sfjwt doctor --assertion "$ASSERTION" --cert server.crt');
  const settings = await selectedSettings(ctx, options, await readConfig(ctx.configDir), false);
  // An invalid URL is reported by a normal doctor run; here it only informs the aud check.
  const url = settings.login?.ok ? settings.login.normalized : undefined;
  const loginUrl = url?.url;
  const orgKind = settings.orgKind ?? url?.orgKindHint;
  const checks = inspectAssertion(jwt, {
    now: ctx.deps.now(),
    ...(await verifierFor(settings)),
    expected: {
      ...(settings.clientId ? { clientId: settings.clientId } : {}),
      ...(settings.username ? { username: settings.username } : {}),
      ...(loginUrl ? { loginUrl } : {}),
      ...(orgKind ? { orgKind } : {}),
    },
    findingContext: { ...(url ? { setupHost: url.setupHost } : {}), ...(settings.appKind ? { appKind: settings.appKind } : {}) },
  });
  const failing = checks.filter((c) => (c.status === 'fail' || c.status === 'warn') && c.code);
  const report: DoctorReport = {
    alias: settings.alias,
    loginUrl: loginUrl ?? null,
    checks,
    attempts: [],
    working: null,
    diagnosis: failing.filter((c) => c.status === 'fail').map((c) => ({ code: c.code!, cause: c.summary, fix: c.fix?.hint ?? '', setupUrl: c.fix?.url ?? null, command: null })),
    clockSkewSeconds: null,
  };
  return outcomeFor(ctx, report, Boolean(options.strict), await renderOptions(ctx, 'sfjwt doctor --assertion <jwt>'));
}
