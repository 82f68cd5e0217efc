/**
 * Types of the local Salesforce token-endpoint emulator.
 *
 * `EmulatorConfig` is plain JSON (it is also what `sfjwt emulator --config <json>` reads);
 * `EmulatorState` is what the pure request handler reads and updates.
 */

export type AppKind = 'eca' | 'connected-app';
export type PermittedUsersPolicy = 'admin' | 'self';
export type IpRelaxation = 'enforce' | 'bypass';

export interface EmulatorOrgConfig {
  /** 18-character org id, `00D...`. */
  orgId: string;
  name: string;
  isSandbox: boolean;
  /** false: every login fails with `inactive_org`. */
  active: boolean;
  /** e.g. `CS42`; returned by `SELECT InstanceName FROM Organization`. */
  instanceName?: string;
  /** `Organization.OrganizationType`; default `Developer Edition`. */
  organizationType?: string;
  /** `Organization.NamespacePrefix`; default null. */
  namespacePrefix?: string | null;
  /** `Organization.TrialExpirationDate` (ISO); default null. */
  trialExpirationDate?: string | null;
  /**
   * Default false: `SELECT ... FROM ScratchOrgInfo` is 400 INVALID_TYPE, as in an org that is not a
   * Dev Hub. true: no records (the sf CLI then records the org as a Dev Hub).
   */
  isDevHub?: boolean;
}

export interface EmulatorAppConfig {
  /** Consumer key; the assertion's `iss`. */
  clientId: string;
  kind: AppKind;
  /**
   * The uploaded certificate (PEM); a PEM public key is accepted too. Absent: an app created before
   * its certificate is uploaded (every login is `invalid assertion` until then).
   */
  certPem?: string;
  /** `admin`: "Admin approved users are pre-authorized"; `self`: "All users may self-authorize". */
  policy: PermittedUsersPolicy;
  /** Admin-approved policy: users whose profile or permission set is assigned to the app. */
  assignedUsernames: string[];
  /** Self-authorize policy: users who once approved the app in a flow that issued a refresh token. */
  approvedUsernames?: string[];
  /** Default `enforce`: profile login IP ranges apply. */
  ipRelaxation?: IpRelaxation;
  /** Session policy requires High Assurance: JWT logins are blocked. Default false. */
  highAssurance?: boolean;
  /** Default true. false: `app_not_found` "External client app is not installed in this org". */
  installed?: boolean;
  /** Scopes granted to tokens; default `['api', 'id', 'openid', 'refresh_token']`. */
  scopes?: string[];
}

export interface EmulatorUserConfig {
  username: string;
  /** `005...` (15 or 18 characters). */
  userId: string;
  displayName: string;
  email: string;
  active: boolean;
  /** "API Enabled" permission; default true. false: data resources answer 403 API_DISABLED_FOR_ORG. */
  apiEnabled?: boolean;
  /** The caller's IP is outside the user's profile login IP ranges. Default false. */
  ipRestricted?: boolean;
}

export interface EmulatorSimulation {
  /** App creation and certificate replacement take this long to become visible (seconds). Default 0. */
  propagationSeconds?: number;
  /** Server clock = real clock + offset (seconds), also in the `Date` header. Default 0. */
  clockOffsetSeconds?: number;
  /** Token requests get an HTML login page (200, text/html). Default false. */
  html?: boolean;
  /** The next N token requests get 503. Default 0. */
  serverErrors?: number;
  /** Every answer is delayed by this many milliseconds (server shell only). Default 0. */
  slowMs?: number;
  /** Logins per user per rolling hour. Default 3600. */
  loginRateLimitPerHour?: number;
}

/** An org admin with a session that never expires: deploys, queries, assigns. */
export interface EmulatorAdminConfig {
  username: string;
  accessToken: string;
}

export interface EmulatorConfig {
  org: EmulatorOrgConfig;
  apps: EmulatorAppConfig[];
  users: EmulatorUserConfig[];
  simulate?: EmulatorSimulation;
  admins?: EmulatorAdminConfig[];
}

/** A request as the pure handler sees it. */
export interface EmulatorRequest {
  method: string;
  /** Path with query string, e.g. `/services/data/v66.0/query?q=...`. */
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body: string;
  /** The raw body (a multipart deploy carries a binary zip); absent when only text was given. */
  bytes?: Uint8Array;
}

export interface EmulatorResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

/** One entry of the request log, for test assertions. */
export interface RequestLogEntry {
  /** Real (not offset) time the request was handled, ISO. */
  at: string;
  method: string;
  path: string;
  /** Parsed form body (token endpoint, form-encoded bodies only). */
  form?: Record<string, string>;
  /** Decoded assertion header and claims, when the assertion was a decodable JWS. */
  assertionHeader?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  status: number;
  /** Token endpoint errors: the `error` code; REST errors: the `errorCode`. */
  error?: string;
  errorDescription?: string;
}

export interface EmulatorCounters {
  requests: number;
  tokenRequests: number;
  tokensIssued: number;
  tokenErrors: number;
  /** Authenticated REST / identity calls that were answered 200. */
  apiCalls: number;
  serverErrorsServed: number;
}

/** A certificate and the real time (epoch ms) from which it is what the login servers see. */
export interface CertVersion {
  certPem: string;
  visibleAtMs: number;
}

export interface AppState {
  config: Required<Omit<EmulatorAppConfig, 'certPem'>>;
  /** Oldest first; the current one is the last with `visibleAtMs <= now`. */
  certs: CertVersion[];
  /** The app is unknown (`invalid_client_id`) before this real time (epoch ms). */
  visibleAtMs: number;
}

export interface IssuedToken {
  username: string;
  userId: string;
  clientId: string;
  scopes: string[];
  /** Server clock, epoch ms. */
  issuedAtMs: number;
  expiresAtMs: number;
}

export interface EmulatorState {
  /** e.g. `http://127.0.0.1:4321`: the emulator plays the org's My Domain at this URL. */
  baseUrl: string;
  org: Required<Omit<EmulatorOrgConfig, 'instanceName'>> & { instanceName: string };
  apps: AppState[];
  users: Required<EmulatorUserConfig>[];
  simulate: Required<EmulatorSimulation>;
  /** Seed mixed into token values, so two emulators do not mint the same tokens. */
  seed: string;
  tokenCounter: number;
  tokens: Record<string, IssuedToken>;
  /** Lower-case username → real times (epoch ms) of successful logins within the last hour. */
  logins: Record<string, number[]>;
  requests: RequestLogEntry[];
  counters: EmulatorCounters;
  /** Admin tokens, deployed apps, permission sets and assignments (admin.ts). */
  admin?: import('./admin.js').AdminState;
  /** One row per token attempt naming a user of the org, oldest first (login-history.ts). */
  loginHistory?: import('./login-history.js').LoginHistoryRow[];
}

/** A token-endpoint failure, exactly as Salesforce spells it. */
export interface OAuthError {
  status: number;
  error: string;
  description: string;
}
