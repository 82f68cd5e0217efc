/** Kinds of org a profile can point at. */
export type OrgKind = 'production' | 'sandbox' | 'scratch' | 'developer' | 'site';

/** Which kind of app holds the certificate. */
export type AppKind = 'eca' | 'connected-app';

export const ORG_KINDS: readonly OrgKind[] = ['production', 'sandbox', 'scratch', 'developer', 'site'];
export const APP_KINDS: readonly AppKind[] = ['eca', 'connected-app'];
