/**
 * The admin session (README: "Zero clicks"): an access token of an org admin, from the Salesforce CLI's login
 * (`--admin-org X`) or from SFJWT_ADMIN_INSTANCE_URL + SFJWT_ADMIN_ACCESS_TOKEN (`--admin`).
 *
 * The token lives in a private field of AdminSession and leaves it only as the Authorization
 * header of a request to the admin instance URL: it is never printed, logged, written
 * or put in JSON (JSON.stringify of a session shows instanceUrl, username and source only).
 */
import { CliError, quoteInput, UsageError } from '../errors.js';
import { TransportError, type HttpClient, type HttpResponse } from '../net/types.js';
import { classifyTransportError } from '../salesforce/classify.js';
import { acceptServerUrl, cleanServerText, mayReceiveToken, serverOrigin } from '../salesforce/trust.js';

/** Runs a program without a shell; `missing` when it is not installed (ENOENT). */
export type CommandRunner = (file: string, args: string[]) => Promise<{ code: number; stdout: string; stderr: string; missing?: boolean }>;

export interface AdminSessionOptions {
  /** --admin-org <alias|username>: the Salesforce CLI's login. */
  adminOrg?: string;
  /** --admin: the environment's session (or --admin-org's). */
  admin?: boolean;
}

export const ADMIN_INSTANCE_ENV = 'SFJWT_ADMIN_INSTANCE_URL';
export const ADMIN_TOKEN_ENV = 'SFJWT_ADMIN_ACCESS_TOKEN';

export interface AdminCall {
  method: 'GET' | 'POST';
  /** Path on the instance, e.g. `/services/data/v66.0/query?q=...`. */
  path: string;
  headers?: Record<string, string>;
  /** A string, or bytes (a multipart body with a zip). */
  body?: string | Uint8Array;
  /** What the call needs, named when the org answers 403 (e.g. 'the "Modify Metadata" permission'). */
  needs: string;
}

export class AdminSession {
  readonly #token: string;

  constructor(
    readonly instanceUrl: string,
    token: string,
    /** Where the session came from, for messages: `sf org "X"` or the environment variables. */
    readonly source: string,
    readonly username: string | undefined,
    private readonly http: HttpClient,
    private readonly timeoutMs: number,
    private readonly signal?: AbortSignal,
  ) {
    this.#token = token;
  }

  /** Never the token. */
  toJSON(): Record<string, string | undefined> {
    return { instanceUrl: this.instanceUrl, username: this.username, source: this.source };
  }

  /**
   * One request with the token. A 401 or 403 is the `admin-session` finding naming what is
   * missing; a request that got no answer is its transport finding. Other statuses are returned.
   */
  async call(call: AdminCall): Promise<HttpResponse> {
    const url = `${this.instanceUrl}${call.path}`;
    // Paths are ours, but the rule is checked where the token is attached, not trusted upstream.
    const instance = serverOrigin(this.instanceUrl);
    if (!instance || !mayReceiveToken(url, instance)) throw new CliError('admin-session', `refusing to send the admin token to ${url}: it is not the admin instance ${this.instanceUrl}`);
    let response: HttpResponse;
    try {
      response = await this.http({
        method: call.method,
        url,
        headers: { authorization: `Bearer ${this.#token}`, accept: 'application/json', ...call.headers },
        ...(call.body !== undefined ? { body: call.body } : {}),
        timeoutMs: this.timeoutMs,
        ...(this.signal ? { signal: this.signal } : {}),
      });
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      const found = classifyTransportError(error);
      throw new CliError(found.outcome, `admin call ${call.method} ${call.path.split('?')[0]}: ${this.redact(found.message)}`, found.hint ? { hint: found.hint } : {});
    }
    if (response.status === 401) {
      throw new CliError('admin-session', `the admin session (${this.source}) is expired or invalid: ${this.instanceUrl} answered 401 ${this.said(response)}`, {
        hint: this.relogin(),
      }, 2);
    }
    if (response.status === 403) {
      throw new CliError('admin-session', `the admin user (${this.source}) lacks ${call.needs}: ${this.instanceUrl} answered 403 ${this.said(response)}`, {
        hint: `Use a System Administrator, or grant ${call.needs} to the admin user.`,
      });
    }
    return response;
  }

  /**
   * A SOAP call (Metadata API `readMetadata`): the token goes in the SessionHeader, so the body is
   * rendered here, where the token is, from a template that receives it XML-escaped.
   */
  soap(call: Omit<AdminCall, 'body'> & { render(sessionId: string): string }): Promise<HttpResponse> {
    const sessionId = this.#token.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    return this.call({ method: call.method, path: call.path, needs: call.needs, headers: { 'content-type': 'text/xml; charset=utf-8', accept: 'text/xml', soapaction: '""', ...call.headers }, body: call.render(sessionId) });
  }

  relogin(): string {
    return this.source.startsWith('sf org ') ? `Log in again: \`sf org login web -o ${this.source.slice('sf org '.length).replace(/"/g, '')}\`.` : `Set a fresh ${ADMIN_TOKEN_ENV}.`;
  }

  /** The first REST error message of an answer, cleaned for a terminal. */
  said(response: HttpResponse): string {
    try {
      const body = JSON.parse(response.body) as unknown;
      const first = (Array.isArray(body) ? body[0] : body) as { errorCode?: string; message?: string } | undefined;
      if (first?.message) return this.redact(cleanServerText(`${first.errorCode ? `${first.errorCode}: ` : ''}${first.message}`));
    } catch {
      // not JSON
    }
    return this.redact(cleanServerText(response.body, 200));
  }

  /** Server text or a tool's message could echo the token: never print it. */
  redact(text: string): string {
    return this.#token.length >= 8 ? text.split(this.#token).join('<admin token>') : text;
  }
}

interface SfJson {
  status?: number;
  name?: string;
  message?: string;
  result?: { accessToken?: string; instanceUrl?: string; username?: string; connectedStatus?: string };
}

function parseSfJson(stdout: string): SfJson | undefined {
  const start = stdout.indexOf('{');
  if (start === -1) return undefined;
  try {
    return JSON.parse(stdout.slice(start)) as SfJson;
  } catch {
    return undefined;
  }
}

function checkInstanceUrl(raw: string, source: string): string {
  // The instance is its own anchor: a loopback one (the emulator) may be http.
  const instance = serverOrigin(raw.trim()) ?? { origin: '', loopback: false };
  const accepted = acceptServerUrl(raw.trim().replace(/\/+$/, ''), instance, 'origin');
  if (!accepted.ok || !mayReceiveToken(accepted.url, instance)) {
    throw new UsageError(
      `the admin instance URL ${quoteInput(raw)} (${source}) is not usable: ${accepted.ok ? 'it is not a Salesforce host (or a loopback emulator)' : accepted.why}`,
      'use the org\'s https://<domain>.my.salesforce.com URL',
    );
  }
  return accepted.url;
}

async function fromSfCli(org: string, runner: CommandRunner): Promise<{ instanceUrl: string; token: string; username?: string }> {
  const login = `\`sf org login web -o ${org}\``;
  const sf = (args: string[]) => runner('sf', [...args, '--target-org', org, '--json']);
  const display = await sf(['org', 'display']);
  if (display.missing) {
    throw new UsageError(
      'the Salesforce CLI (sf) is not installed or not on PATH, so --admin-org cannot read its login',
      `install it (npm install -g @salesforce/cli), run ${login}, and retry; or pass --admin with ${ADMIN_INSTANCE_ENV} and ${ADMIN_TOKEN_ENV}`,
    );
  }
  const shown = parseSfJson(display.stdout);
  const info = shown?.result;
  if (display.code !== 0 || !info?.instanceUrl) {
    const why = shown?.message ? cleanServerText(shown.message, 200) : `sf exited with ${display.code}`;
    throw new UsageError(`the Salesforce CLI has no usable login for ${quoteInput(org)}: ${why}`, `run ${login}, then retry`);
  }
  if (info.connectedStatus && /expired|error|invalid/i.test(info.connectedStatus)) {
    throw new UsageError(`the Salesforce CLI's login for ${quoteInput(org)} is not usable (${cleanServerText(info.connectedStatus, 80)})`, `run ${login}, then retry`);
  }
  // sf >= 2.136.8 no longer prints the token in org display; show-access-token does (after a refresh).
  const shownToken = await sf(['org', 'auth', 'show-access-token']);
  const token = (shownToken.code === 0 ? parseSfJson(shownToken.stdout)?.result?.accessToken : undefined) ?? info.accessToken;
  if (!token) {
    const why = parseSfJson(shownToken.stdout)?.message;
    throw new UsageError(
      `the Salesforce CLI gave no access token for ${quoteInput(org)}${why ? `: ${cleanServerText(why, 200)}` : ''}`,
      `run ${login} (the login may have expired), then retry`,
    );
  }
  return { instanceUrl: checkInstanceUrl(info.instanceUrl, `sf org display for "${org}"`), token, ...(info.username ? { username: info.username } : {}) };
}

/**
 * The real runner, with the environment sfjwt was given (its PATH finds `sf`): no shell, except
 * on Windows where sf.cmd needs one (the arguments are ours, never user text beyond a checked alias).
 */
export function commandRunner(env: Readonly<Record<string, string | undefined>>): CommandRunner {
  return async (file, args) => {
    const { execFile } = await import('node:child_process');
    return new Promise((resolve) => {
      const options = { shell: process.platform === 'win32', maxBuffer: 4 * 1024 * 1024, env: { ...env, SF_DISABLE_TELEMETRY: 'true' } };
      execFile(file, args, options, (error, stdout, stderr) => {
        const errno = (error as NodeJS.ErrnoException | null)?.code;
        if (errno === 'ENOENT') return resolve({ code: 127, stdout: '', stderr: '', missing: true });
        resolve({ code: error ? (typeof errno === 'number' ? errno : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
      });
    });
  };
}

/**
 * The admin session the options ask for, or undefined when neither --admin nor --admin-org was
 * given. Unusable sources are exit 2 naming the command that fixes them.
 */
export async function openAdminSession(
  options: AdminSessionOptions,
  deps: { env: Readonly<Record<string, string | undefined>>; http: HttpClient; signal?: AbortSignal; runner?: CommandRunner; timeoutMs?: number },
): Promise<AdminSession | undefined> {
  const timeoutMs = deps.timeoutMs ?? 30_000;
  if (options.adminOrg !== undefined) {
    const org = options.adminOrg.trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9._@+-]*$/.test(org)) throw new UsageError(`invalid --admin-org ${quoteInput(options.adminOrg)}`, 'pass the alias or username of a Salesforce CLI login (`sf org list`)');
    const found = await fromSfCli(org, deps.runner ?? commandRunner(deps.env));
    return new AdminSession(found.instanceUrl, found.token, `sf org "${org}"`, found.username, deps.http, timeoutMs, deps.signal);
  }
  if (!options.admin) return undefined;
  const rawUrl = deps.env[ADMIN_INSTANCE_ENV];
  const token = deps.env[ADMIN_TOKEN_ENV]?.trim();
  if (!rawUrl || !token) {
    throw new UsageError(
      `--admin needs ${[!rawUrl && ADMIN_INSTANCE_ENV, !token && ADMIN_TOKEN_ENV].filter(Boolean).join(' and ')}`,
      `set both, or use a Salesforce CLI login with --admin-org <alias> (\`sf org login web -o <alias>\`)`,
    );
  }
  return new AdminSession(checkInstanceUrl(rawUrl, ADMIN_INSTANCE_ENV), token, `${ADMIN_INSTANCE_ENV}/${ADMIN_TOKEN_ENV}`, undefined, deps.http, timeoutMs, deps.signal);
}
