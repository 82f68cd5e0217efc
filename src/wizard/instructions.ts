/**
 * All of the wizard's Salesforce copy, as pure functions of the app kind, paths and URLs
 * Tests assert on it; nothing here prints or opens.
 */
import path from 'node:path';
import { quickFindText, setupPageUrl, SETUP_PAGES, type SetupPageId } from '../salesforce/setup-pages.js';
import type { AppKind, OrgKind } from '../salesforce/types.js';
import type { ManualStepId } from './context.js';

/** Required by the app form, never called by the JWT bearer flow (the sf CLI's usual value). */
export const CALLBACK_URL = 'http://localhost:1717/OauthRedirect';

/** The OAuth scopes to add, as Salesforce labels them, with the reason for each. */
export const SCOPES: readonly { label: string; why: string }[] = [
  { label: 'Manage user data via APIs (api)', why: 'lets the token call the REST and SOAP APIs' },
  {
    label: 'Perform requests at any time (refresh_token, offline_access)',
    why: 'JWT approvals are checked against grants that include a refresh token; without it logins can fail with "user hasn\'t approved this consumer"',
  },
  { label: 'Access unique user identifiers (openid)', why: 'lets `sfjwt verify` read /services/oauth2/userinfo' },
];

export const ORG_KIND_CHOICES: readonly { value: OrgKind; name: string; description: string }[] = [
  { value: 'production', name: 'Production', description: 'https://<MyDomainName>.my.salesforce.com' },
  { value: 'sandbox', name: 'Sandbox', description: 'https://<MyDomainName>--<SandboxName>.sandbox.my.salesforce.com' },
  { value: 'scratch', name: 'Scratch org', description: 'https://<name>.scratch.my.salesforce.com' },
  { value: 'developer', name: 'Developer Edition', description: 'https://<name>.develop.my.salesforce.com' },
  { value: 'site', name: 'Experience Cloud site', description: 'https://<name>.my.site.com[/<site path>]' },
];

export const APP_KIND_CHOICES: readonly { value: AppKind; name: string; description: string }[] = [
  { value: 'eca', name: 'External Client App (recommended)', description: 'the default since Spring \'26; works in every org' },
  {
    value: 'connected-app',
    name: 'Connected App',
    description: 'only for an app that already exists, or an org where Salesforce Support re-enabled creating them',
  },
];

/** Where to find the login URL, per org kind; the sandbox form is the one people get wrong. */
export function loginUrlHelp(kind: OrgKind): string[] {
  const common = 'Your My Domain URL: Setup → Quick Find "My Domain" (not the *.lightning.force.com address in the browser bar).';
  switch (kind) {
    case 'sandbox':
      return [
        common,
        'A sandbox\'s is https://<MyDomainName>--<SandboxName>.sandbox.my.salesforce.com, e.g. https://acme--uat.sandbox.my.salesforce.com',
        '(the "--<SandboxName>" part is the sandbox\'s name; https://test.salesforce.com also works for Connected Apps).',
      ];
    case 'scratch':
      return [common, 'A scratch org\'s looks like https://<name>.scratch.my.salesforce.com (`sf org display` shows it as Instance Url).'];
    case 'developer':
      return [common, 'A Developer Edition org\'s looks like https://<name>.develop.my.salesforce.com.'];
    case 'site':
      return ['The Experience Cloud site URL, with its path if it has one: https://<name>.my.site.com/<site path>.'];
    default:
      return [common, 'e.g. https://acme.my.salesforce.com'];
  }
}

/** The username hint: sandboxes append the sandbox name. */
export function usernameHelp(kind: OrgKind, sandboxName?: string): string {
  if (kind === 'sandbox') {
    return `The run-as user's Salesforce username (the JWT "sub"). In a sandbox it ends with the sandbox name: integration@acme.com.${sandboxName ?? 'uat'}`;
  }
  return "The run-as user's Salesforce username (the JWT \"sub\"), e.g. integration@acme.com. It needs the API Enabled permission.";
}

/** A warning when a sandbox username lacks the sandbox suffix, else undefined. */
export function sandboxUsernameWarning(username: string, sandboxName: string | undefined): string | undefined {
  if (!sandboxName) return undefined;
  if (username.toLowerCase().endsWith(`.${sandboxName.toLowerCase()}`)) return undefined;
  return `${username} does not end with ".${sandboxName}": sandbox usernames usually carry the sandbox name (e.g. ${username}.${sandboxName}); a production username does not log in to a sandbox.`;
}

export interface InstructionInput {
  appKind: AppKind;
  /** The org's Setup host (NormalizedLoginUrl.setupHost), when the login URL is known: links are built on it. */
  setupHost?: string;
  certPath: string;
  appName: string;
  contactEmail?: string;
  username: string;
  access?: string;
  /** The private key (its file name is named in "never upload it"). */
  keyPath?: string;
}

/** One thing to do in Setup, and (behind "Show details") why. */
export interface SetupAction {
  text: string;
  why?: string;
}

export interface ManualInstructions {
  step: ManualStepId;
  title: string;
  page: SetupPageId;
  /** The page on the org's own Setup host (absent when the login URL is unknown). */
  url?: string;
  /** Quick Find fallback, for when the link does not land on the page. */
  quickFind: string;
  /** Said before the steps (e.g. when Connected Apps can be created at all). */
  note?: string;
  /** The numbered steps: the fields first; the reasons are shown on request. */
  lines: SetupAction[];
  warnings: string[];
}

const PAGES: Record<AppKind, Record<ManualStepId, SetupPageId>> = {
  eca: { app: 'eca-manager', policies: 'eca-manager', access: 'eca-manager', 'consumer-key': 'eca-manager' },
  'connected-app': {
    app: 'connected-app-manager',
    policies: 'manage-connected-apps',
    access: 'manage-connected-apps',
    'consumer-key': 'connected-app-manager',
  },
};

const WHY = {
  callback: 'required by the form, never used by the JWT bearer flow',
  permitted: 'the JWT flow has no screen where the user could approve the app; with this policy the assignment in the next step is the approval',
  ip: 'JWT logins always honour the run-as user\'s profile Login IP Ranges, whatever IP Relaxation says: call from an address inside those ranges, or add the server\'s addresses to the profile',
  highAssurance: 'a High Assurance session requirement blocks JWT logins: there is no step where the session could be raised',
  integrationLicence:
    'a permission set on the Salesforce API Integration licence cannot hold app access (the assignment silently does nothing): use the user\'s profile, or a permission set without that licence',
  anyApiClient: 'users with the "Use Any API Client" permission bypass this restriction, so an admin logging in proves nothing about the integration user',
  propagation: 'Salesforce needs 2-10 minutes to apply a new or changed app; the verification retries meanwhile',
} as const;

function accessName(input: InstructionInput): string {
  return input.access ? `"${input.access}"` : `the profile (or a permission set) of ${input.username}`;
}

function appInstructions(input: InstructionInput): Pick<ManualInstructions, 'title' | 'note' | 'lines' | 'warnings'> {
  const scopes: SetupAction = {
    text: `${input.appKind === 'eca' ? 'OAuth Scopes' : 'Selected OAuth Scopes'}: add ${SCOPES.map((s) => `"${s.label}"`).join(', ')}`,
    why: SCOPES.map((s) => `${/\(([^)]+)\)$/.exec(s.label)![1]}: ${s.why}`).join('; '),
  };
  const keyName = input.keyPath ? path.basename(input.keyPath) : 'server.key';
  const warnings = [`Upload the certificate ${input.certPath} only. Never upload the private key ${keyName}: it stays on this machine.`];
  const email = input.contactEmail ?? 'your email address';
  const callback: SetupAction = { text: `Callback URL: ${CALLBACK_URL}`, why: WHY.callback };
  if (input.appKind === 'eca') {
    return {
      title: 'Create the External Client App',
      lines: [
        { text: 'External Client App Manager → New External Client App' },
        { text: `External Client App Name: ${input.appName}; Contact Email: ${email}; Distribution State: Local`, why: 'the app lives in this org only, which is all a JWT integration needs' },
        { text: 'API (Enable OAuth Settings) → tick Enable OAuth' },
        callback,
        scopes,
        { text: 'Flow Enablement → tick Enable JWT Bearer Flow', why: 'it appears once Enable OAuth is ticked' },
        { text: `Upload Files → choose the certificate: ${input.certPath}` },
        { text: 'Create', why: WHY.propagation },
      ],
      warnings,
    };
  }
  return {
    title: 'Create (or edit) the Connected App',
    note:
      "Connected Apps are for orgs that already have one, or where Salesforce Support re-enabled creating them: since Spring '26 new Connected Apps cannot be created in most orgs (choose External Client App instead). To reuse an existing app, open it with App Manager → ▼ → Edit and apply the settings below.",
    lines: [
      { text: 'App Manager → New Connected App', why: 'where creation was re-enabled, Setup → External Client Apps → Settings also shows New Connected App' },
      { text: `Connected App Name: ${input.appName}; Contact Email: ${email}` },
      { text: 'API (Enable OAuth Settings) → tick Enable OAuth Settings' },
      callback,
      { text: `Tick Use digital signatures → Choose File: ${input.certPath}` },
      scopes,
      { text: 'Save → Continue', why: WHY.propagation },
    ],
    warnings,
  };
}

function policyInstructions(input: InstructionInput): Pick<ManualInstructions, 'title' | 'lines' | 'warnings'> {
  const common: SetupAction[] = [
    { text: 'Permitted Users: Admin approved users are pre-authorized', why: WHY.permitted },
    { text: 'IP Relaxation: any setting; it does not lift IP restrictions for JWT logins', why: WHY.ip },
    { text: 'Session policies: do not require High Assurance', why: WHY.highAssurance },
    { text: 'Save' },
  ];
  const open = input.appKind === 'eca' ? `External Client App Manager → ${input.appName} → Policies tab → Edit → OAuth Policies` : `Manage Connected Apps → ${input.appName} → Edit Policies`;
  return { title: 'Set the app\'s policies', lines: [{ text: open }, ...common], warnings: [] };
}

function accessInstructions(input: InstructionInput): Pick<ManualInstructions, 'title' | 'lines' | 'warnings'> {
  const who = accessName(input);
  const why = `with "Admin approved users are pre-authorized" only users holding an assigned profile or permission set may log in; anyone else gets "user hasn't approved this consumer"`;
  const holds: SetupAction = { text: `Make sure ${input.username} has that profile or permission set, and the API Enabled permission` };
  const lines: SetupAction[] =
    input.appKind === 'eca'
      ? [
          { text: `External Client App Manager → ${input.appName} → Policies tab → Edit → select ${who}`, why },
          { text: 'Alternatively: Profiles or Permission Sets → open it → External Client App Access → add the app' },
          holds,
          { text: 'Save' },
        ]
      : [{ text: `Manage Connected Apps → ${input.appName} → Manage Profiles or Manage Permission Sets → tick ${who}`, why }, holds, { text: 'Save' }];
  return {
    title: 'Give the run-as user access to the app',
    lines,
    warnings: [`Permission sets: ${WHY.integrationLicence}.`, `Note: ${WHY.anyApiClient}.`],
  };
}

function consumerKeyInstructions(input: InstructionInput): Pick<ManualInstructions, 'title' | 'lines' | 'warnings'> {
  const open =
    input.appKind === 'eca'
      ? `External Client App Manager → ${input.appName} → Settings tab → OAuth Settings → Consumer Key and Secret`
      : `App Manager → ${input.appName} → ▼ → View → Manage Consumer Details`;
  return {
    title: 'Copy the consumer key',
    lines: [
      { text: open },
      { text: 'Salesforce emails you a verification code; enter it' },
      { text: 'Copy the Consumer Key', why: 'it is the JWT "iss"; it is not a secret' },
    ],
    warnings: ['The consumer secret is never needed for the JWT bearer flow: do not paste it anywhere.'],
  };
}

export function pageFor(step: ManualStepId, appKind: AppKind): SetupPageId {
  return PAGES[appKind][step];
}

/** One manual step's instructions, with the page on the org's own Setup host. */
export function instructionsFor(step: ManualStepId, input: InstructionInput): ManualInstructions {
  const page = pageFor(step, input.appKind);
  const body =
    step === 'app'
      ? appInstructions(input)
      : step === 'policies'
        ? policyInstructions(input)
        : step === 'access'
          ? accessInstructions(input)
          : consumerKeyInstructions(input);
  return {
    step,
    page,
    ...(input.setupHost ? { url: setupPageUrl(page, input.setupHost) } : {}),
    quickFind: quickFindText(page),
    ...body,
  } as ManualInstructions;
}

export const MANUAL_STEPS: readonly ManualStepId[] = ['app', 'policies', 'access', 'consumer-key'];

/**
 * Plain lines (no colour) for one step: title, note, numbered steps, warnings, link and fallback.
 * Without `details` the steps are the fields only; with it each carries its reason.
 */
export function renderInstructions(ins: ManualInstructions, options: { number?: number; details?: boolean } = {}): string[] {
  const { number, details = true } = options;
  const out = [`${number !== undefined ? `${number}. ` : ''}${ins.title}`];
  if (ins.note) out.push(`   ${ins.note}`);
  ins.lines.forEach((line, i) => out.push(`   ${String.fromCharCode(97 + i)}) ${details && line.why ? `${line.text} (${line.why})` : line.text}`));
  for (const warning of ins.warnings) out.push(`   ! ${warning}`);
  out.push(`   Page: ${ins.url ?? SETUP_PAGES[ins.page].title}`);
  out.push(`   If the link does not land there: ${ins.quickFind}`);
  return out;
}

/** Every manual step as one checklist (non-interactive runs print it once). */
export function renderChecklist(all: ManualInstructions[]): string[] {
  const out = ['Manual steps in Salesforce Setup (do these once; the consumer key comes from step 4):'];
  all.forEach((ins, i) => out.push(...renderInstructions(ins, { number: i + 1 })));
  return out;
}

export function nextSteps(alias: string): string[] {
  return [
    `sfjwt export --format sf -a ${alias}    settings for \`sf org login jwt\` (other formats: env, github-actions, jsforce, ...)`,
    `sfjwt token -a ${alias}                 an access token for scripts`,
    `sfjwt doctor -a ${alias}                diagnose if a login ever fails`,
  ];
}
