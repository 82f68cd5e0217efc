/** Stable finding codes (README: "Finding codes"). Renaming one is a breaking change: scripts match on them. */
export const TOKEN_CODES = [
  'user-not-approved',
  'user-not-admin-approved',
  'app-not-installed',
  'audience-invalid',
  'invalid-assertion',
  'assertion-expired',
  'client-id-invalid',
  'unsupported-grant-type',
  'ip-restricted',
  'login-rate-exceeded',
  'inactive-user',
  'inactive-org',
  'authentication-failure',
  'oauth-error',
] as const;

export const TRANSPORT_CODES = ['network-error', 'tls-error', 'timeout', 'not-token-endpoint', 'server-error'] as const;

export const AFTER_TOKEN_CODES = ['api-access-denied'] as const;

export const LOCAL_CODES = [
  'key-missing',
  'key-unreadable',
  'key-invalid',
  'key-encrypted',
  'key-not-rsa',
  'key-size',
  'key-permissions',
  'cert-missing',
  'cert-invalid',
  'cert-too-large',
  'key-cert-mismatch',
  'cert-expired',
  'cert-expiring',
  'login-url-invalid',
  'username-invalid',
  'username-org-mismatch',
  'client-id-format',
  'clock-skew',
  'key-in-git',
] as const;

export const USAGE_CODES = ['usage'] as const;

/** With an admin session: the org's own records, the session and the metadata deploy. */
export const ADMIN_CODES = [
  'admin-session',
  'deploy-failed',
  'org-app-missing',
  'org-certificate-mismatch',
  'org-policy',
  'org-access-missing',
  'org-user-inactive',
  'org-api-disabled',
] as const;

export type TokenCode = (typeof TOKEN_CODES)[number];
export type TransportCode = (typeof TRANSPORT_CODES)[number];
export type LocalCode = (typeof LOCAL_CODES)[number];
export type AdminCode = (typeof ADMIN_CODES)[number];
export type FindingCode = TokenCode | TransportCode | (typeof AFTER_TOKEN_CODES)[number] | LocalCode | 'usage' | AdminCode;

export const ALL_CODES: readonly FindingCode[] = [
  ...TOKEN_CODES,
  ...TRANSPORT_CODES,
  ...AFTER_TOKEN_CODES,
  ...LOCAL_CODES,
  ...USAGE_CODES,
  ...ADMIN_CODES,
];

export function isFindingCode(value: string): value is FindingCode {
  return (ALL_CODES as readonly string[]).includes(value);
}
