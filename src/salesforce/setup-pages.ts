import { setupHost } from './login-url.js';

/** Setup pages sfjwt links to. Ids are stable: other modules and tests use them. */
export type SetupPageId =
  | 'eca-manager'
  | 'connected-app-manager'
  | 'manage-connected-apps'
  | 'connected-apps-usage'
  | 'eca-settings'
  | 'certificates'
  | 'profiles'
  | 'permission-sets'
  | 'users'
  | 'my-domain'
  | 'login-history'
  | 'session-settings'
  | 'network-access'
  | 'company-info';

export interface SetupPage {
  /** The page's name in Setup. */
  title: string;
  /** Lightning path, appended to the Setup host. */
  path: string;
  /** What to type in Setup's Quick Find box when the link does not open the page. */
  quickFind: string;
}

export const SETUP_PAGES: Readonly<Record<SetupPageId, SetupPage>> = {
  'eca-manager': {
    title: 'External Client App Manager',
    path: '/lightning/setup/ManageExternalClientApplication/home',
    quickFind: 'External Client App Manager',
  },
  'connected-app-manager': { title: 'App Manager', path: '/lightning/setup/NavigationMenus/home', quickFind: 'App Manager' },
  'manage-connected-apps': {
    title: 'Manage Connected Apps',
    path: '/lightning/setup/ConnectedApplication/home',
    quickFind: 'Manage Connected Apps',
  },
  'connected-apps-usage': {
    title: 'Connected Apps OAuth Usage',
    path: '/lightning/setup/ConnectedAppsUsage/home',
    quickFind: 'Connected Apps OAuth Usage',
  },
  'eca-settings': {
    title: 'External Client App Settings',
    path: '/lightning/setup/ExternalClientApplicationSettings/home',
    quickFind: 'External Client App Settings',
  },
  certificates: {
    title: 'Certificate and Key Management',
    path: '/lightning/setup/CertificatesAndKeysManagement/home',
    quickFind: 'Certificate and Key Management',
  },
  profiles: { title: 'Profiles', path: '/lightning/setup/EnhancedProfiles/home', quickFind: 'Profiles' },
  'permission-sets': { title: 'Permission Sets', path: '/lightning/setup/PermSets/home', quickFind: 'Permission Sets' },
  users: { title: 'Users', path: '/lightning/setup/ManageUsers/home', quickFind: 'Users' },
  'my-domain': { title: 'My Domain', path: '/lightning/setup/OrgDomain/home', quickFind: 'My Domain' },
  'login-history': { title: 'Login History', path: '/lightning/setup/OrgLoginHistory/home', quickFind: 'Login History' },
  'session-settings': { title: 'Session Settings', path: '/lightning/setup/SecuritySession/home', quickFind: 'Session Settings' },
  'network-access': { title: 'Network Access', path: '/lightning/setup/NetworkAccess/home', quickFind: 'Network Access' },
  'company-info': { title: 'Company Information', path: '/lightning/setup/CompanyProfileInfo/home', quickFind: 'Company Information' },
};

export const SETUP_PAGE_IDS = Object.keys(SETUP_PAGES) as SetupPageId[];

/** The page's URL on a Setup host (NormalizedLoginUrl.setupHost: `<name>.my.salesforce-setup.com` for a My Domain). */
export function setupPageUrl(id: SetupPageId, host: string): string {
  return `${host}${SETUP_PAGES[id].path}`;
}

/** The page's URL for a login URL held only as text (a report's, a profile's); see login-url.ts setupHost. */
export function setupUrl(id: SetupPageId, loginUrl: string): string {
  return setupPageUrl(id, setupHost(loginUrl));
}

/** Fallback wording when no URL can be built or opened: `Setup → Quick Find "Profiles"`. */
export function quickFindText(id: SetupPageId): string {
  return `Setup → Quick Find "${SETUP_PAGES[id].quickFind}"`;
}

/**
 * How copy refers to a page: `Profiles (https://…/lightning/setup/EnhancedProfiles/home)` when the
 * org's Setup host is known, else `Profiles (Setup → Quick Find "Profiles")`.
 */
export function pageReference(id: SetupPageId, host?: string): string {
  const page = SETUP_PAGES[id];
  return host ? `${page.title} (${setupPageUrl(id, host)})` : `${page.title} (${quickFindText(id)})`;
}
