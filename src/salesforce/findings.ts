import { ALL_CODES, type FindingCode } from './codes.js';
import { pageReference, setupPageUrl, type SetupPageId } from './setup-pages.js';
import type { AppKind } from './types.js';

/**
 * The one catalogue of finding codes (README: "Finding codes"): what each means, its likely causes and
 * fixes, the Setup page to open, and whether waiting for Salesforce to propagate a change can fix it.
 *
 * Copy may differ by app kind ({eca, ca}) and may name Setup pages as `{page:<id>}`;
 * findingFor() resolves both for one org and app.
 */

type Copy = string | { eca: string; ca: string };
type PageChoice = SetupPageId | { eca: SetupPageId; ca: SetupPageId };

interface CatalogueEntry {
  title: string;
  causes: Copy[];
  fixes: Copy[];
  setupPage?: PageChoice;
  retryable: boolean;
}

export interface FindingInfo {
  title: string;
  causes: string[];
  fixes: string[];
  setupPage?: SetupPageId;
  /** Waiting for propagation (2–10 min after an app, certificate, user or org change) can fix it. */
  retryable: boolean;
}

export interface ResolvedFinding extends FindingInfo {
  code: FindingCode;
  /** The Setup page's URL on the org's own Setup host, when the login URL is known. */
  setupUrl?: string;
}

export interface FindingContext {
  appKind?: AppKind;
  /** The org's Setup host (NormalizedLoginUrl.setupHost): Setup links are built on it. */
  setupHost?: string;
  /** The profile in use: commands in the copy (`sfjwt verify{-a}`) then carry `-a <alias>`. */
  alias?: string;
}

const WAIT = 'If the app, certificate, user or org was created or changed in the last 10 minutes, wait and retry: `sfjwt verify{-a} --wait 600`.';

const CATALOGUE: Record<FindingCode, CatalogueEntry> = {
  // ---- token endpoint -------------------------------------------------------------------------
  'user-not-approved': {
    title: "The run-as user is not approved for the app (invalid_grant: user hasn't approved this consumer)",
    causes: [
      {
        eca: 'The app\'s OAuth policy "Permitted Users" is still "All users may self-authorize".',
        ca: 'The app\'s "Permitted Users" policy is still "All users may self-authorize".',
      },
      "The run-as user's profile or permission set is not assigned to the app.",
      'The permission set that grants the app is tied to the Salesforce API Integration permission set licence, which cannot hold app access: the assignment silently does nothing.',
      'The username belongs to another org: sandbox usernames end in `.<sandbox name>` (user@acme.com.uat), production usernames do not.',
      'The user, the app, or the org itself (a new scratch org, a refreshed sandbox) was created minutes ago and has not reached the login servers yet.',
      'The endpoint/aud combination is wrong for this org: some orgs answer this instead of "audience is invalid" (a Connected App posted to My Domain with a My Domain aud; GovCloud).',
      'The user self-authorized once, but in a flow without the refresh_token scope: the JWT flow only reuses approvals that included a refresh token.',
    ],
    fixes: [
      {
        eca: 'In {page:eca-manager} open the app → Policies → Edit → OAuth Policies: set Permitted Users to "Admin approved users are pre-authorized".',
        ca: 'In {page:manage-connected-apps} open the app → Edit Policies: set Permitted Users to "Admin approved users are pre-authorized".',
      },
      {
        eca: "In the same policies (App Policies), select the run-as user's profile or a permission set assigned to the user.",
        ca: "On the app's page, use Manage Profiles or Manage Permission Sets to add the run-as user's profile or a permission set assigned to the user.",
      },
      'If that permission set is on the Salesforce API Integration licence, grant the app through a second permission set without that licence, or through the profile: {page:permission-sets}.',
      "Check the username exists in this org (including any sandbox suffix): {page:users}.",
      WAIT,
    ],
    setupPage: { eca: 'eca-manager', ca: 'manage-connected-apps' },
    retryable: true,
  },
  'user-not-admin-approved': {
    title: 'The run-as user is not admin approved to access this app (invalid_app_access)',
    causes: [
      "Permitted Users is \"Admin approved users are pre-authorized\" but neither the run-as user's profile nor any of the user's permission sets is assigned to the app.",
      'API Access Control is on and this app is not allowed for the user.',
      'The permission set that grants the app is on the Salesforce API Integration licence, which cannot hold app access.',
    ],
    fixes: [
      {
        eca: "In {page:eca-manager} open the app → Policies → Edit → App Policies: select the run-as user's profile or permission set.",
        ca: "In {page:manage-connected-apps} open the app → Manage Profiles / Manage Permission Sets: add the run-as user's profile or permission set.",
      },
      'Or give the user a permission set that lists the app under its assigned apps ({page:permission-sets}); users with "Use Any API Client" bypass the restriction.',
    ],
    setupPage: { eca: 'eca-manager', ca: 'manage-connected-apps' },
    retryable: false,
  },
  'app-not-installed': {
    title: 'Salesforce cannot find the app in this org (app_not_found / not installed)',
    causes: [
      {
        eca: 'The token was requested at, or the aud names, a generic host (login/test.salesforce.com): External Client Apps are often only found through the org\'s own My Domain.',
        ca: 'The token was requested at a host that does not resolve the app for this org (a generic login/test host instead of My Domain).',
      },
      'The app lives in a different org: created in production while the user is in a sandbox, or the other way round.',
      'The sandbox was refreshed: apps and certificates created in the sandbox are wiped by a refresh.',
      {
        eca: 'The External Client App is disabled in this org, or it is a packaged app that is not installed here.',
        ca: 'The Connected App was created in another org and is not installed here: since September 2025 uninstalled connected apps are blocked for users without "Approve Uninstalled Connected Apps".',
      },
      'The app was created minutes ago: Salesforce needs 2–10 minutes before it can be used.',
    ],
    fixes: [
      'Use the My Domain URL as both the login URL and the audience (`--login-url https://<MyDomain>.my.salesforce.com`; sfjwt tries that pair first).',
      {
        eca: 'Check in {page:eca-manager} that the app exists in THIS org and is enabled (Policies → App Policies).',
        ca: 'Install the app in {page:connected-apps-usage} (Install), or create it in this org.',
      },
      'After a sandbox refresh, re-create the app in the sandbox (`sfjwt export --format eca-metadata` gives deployable metadata) and re-upload the certificate.',
      WAIT,
    ],
    setupPage: { eca: 'eca-manager', ca: 'connected-apps-usage' },
    retryable: true,
  },
  'audience-invalid': {
    title: 'Salesforce rejected the assertion\'s audience (invalid_grant: audience is invalid)',
    causes: [
      'Production/sandbox mismatch: https://login.salesforce.com as aud for a sandbox or scratch org, or https://test.salesforce.com for production or Developer Edition.',
      'The host wants a different kind of aud: some setups accept only login/test as aud, others (External Client Apps) only the My Domain URL.',
      'A fixed audience (--audience / SFJWT_AUDIENCE) has a typo, lacks https://, or is not a Salesforce login host.',
      'Another tool sent aud as an array or as a bare host name instead of one string with https://.',
    ],
    fixes: [
      'Drop --audience / SFJWT_AUDIENCE and let sfjwt try the endpoint/aud combinations; it remembers the one that works.',
      'Use https://test.salesforce.com for sandboxes and scratch orgs, https://login.salesforce.com for production and Developer Edition, or the My Domain URL.',
      "Check the org's My Domain URL in {page:my-domain}.",
      'Send aud as a single string including https://.',
    ],
    setupPage: 'my-domain',
    retryable: false,
  },
  'invalid-assertion': {
    title: 'Salesforce could not verify the signed assertion (invalid_grant: invalid assertion)',
    causes: [
      'The private key does not match the certificate uploaded to the app (most common): a different key, or the certificate was replaced.',
      'The certificate was uploaded less than 2–10 minutes ago and has not propagated yet.',
      'The certificate was not actually saved on the app.',
      'The app or user is unknown at the host posted to: a sandbox app and username sent to login.salesforce.com answer "invalid assertion".',
      'Works in sandbox, fails in production: the app only exists in the sandbox, each org holds a different certificate, or the production CI secret holds a different key.',
      'The JWT is malformed or not RS256, a private key was sent instead of a signed JWT, or the PEM key was damaged in an environment variable (lost newlines).',
    ],
    fixes: [
      'Check that the certificate uploaded to the app was made from this key: compare its details in the app with `sfjwt cert show{-a}`.',
      {
        eca: 'Re-upload the certificate (never the key): {page:eca-manager} → the app → Settings → OAuth Settings → Enable JWT Bearer Flow → Upload Files.',
        ca: 'Re-upload the certificate (never the key): {page:connected-app-manager} → the app → Edit → "Use digital signatures".',
      },
      "Request the token from the org's own My Domain URL.",
      'In CI, store the key base64-encoded on one line (SFJWT_KEY) so newlines survive.',
      WAIT,
    ],
    setupPage: { eca: 'eca-manager', ca: 'connected-app-manager' },
    retryable: true,
  },
  'assertion-expired': {
    title: "The assertion's exp is already past for Salesforce (invalid_grant: expired authorization code)",
    causes: [
      "This machine's clock is behind Salesforce's clock, or its time zone is set wrong.",
      'The client built exp from local time instead of UTC (e.g. Python time.mktime(datetime.utcnow().timetuple())).',
      'The client gave the assertion a validity of a few seconds, or mixed up milliseconds and seconds.',
    ],
    fixes: [
      'Sync the clock with NTP (e.g. `sudo timedatectl set-ntp true`); sfjwt compares it with the Date header Salesforce sends.',
      'Set exp to the current UTC time in seconds plus 180.',
    ],
    retryable: false,
  },
  'client-id-invalid': {
    title: 'Salesforce does not know this consumer key here (invalid_client_id: client identifier invalid)',
    causes: [
      'The consumer key has a typo, is truncated, or carries whitespace; or the consumer secret was pasted instead.',
      'The app lives in another org or environment (a production app used against a sandbox, or the other way round).',
      'The app was created or edited in the last 2–10 minutes and has not propagated yet.',
      'The client filled iss with something else than the consumer key.',
      'The app was deleted.',
    ],
    fixes: [
      {
        eca: 'Re-copy the consumer key: {page:eca-manager} → the app → Settings → OAuth Settings → Consumer Key and Secret.',
        ca: 'Re-copy the consumer key: {page:connected-app-manager} → the app → View → Manage Consumer Details.',
      },
      'Check that the login URL belongs to the org where the app lives.',
      WAIT,
    ],
    setupPage: { eca: 'eca-manager', ca: 'connected-app-manager' },
    retryable: true,
  },
  'unsupported-grant-type': {
    title: 'Salesforce did not see a JWT bearer grant (unsupported_grant_type: grant type not supported)',
    causes: [
      'The body was not sent form-urlencoded (e.g. JSON), or a proxy dropped or rewrote it.',
      'The grant_type value has a typo; it must be exactly urn:ietf:params:oauth:grant-type:jwt-bearer.',
      'The request went to a host that does not serve this flow.',
    ],
    fixes: [
      'POST Content-Type application/x-www-form-urlencoded with grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer and assertion=<JWT>.',
      'Bypass the proxy for Salesforce hosts (NO_PROXY) to see whether it is mangling the request.',
      "Use the org's My Domain login URL.",
    ],
    retryable: false,
  },
  'ip-restricted': {
    title: 'Salesforce refused the login from this IP address or at this time (invalid_grant: ip restricted)',
    causes: [
      "The run-as user's profile has Login IP Ranges that exclude this machine's public IP: JWT logins always enforce them.",
      'The app\'s IP Relaxation is "Enforce IP restrictions".',
      'The profile\'s Login Hours exclude the current time ("IP restricted or invalid login hours").',
    ],
    fixes: [
      "Add this machine's (or the CI runner's) egress IP range to the run-as user's profile Login IP Ranges: {page:profiles}.",
      {
        eca: 'Set IP Relaxation to "Relax IP restrictions" in {page:eca-manager} → the app → Policies → OAuth Policies (profile IP ranges may still apply to JWT logins).',
        ca: 'Set IP Relaxation to "Relax IP restrictions" in {page:manage-connected-apps} → the app → Edit Policies (profile IP ranges may still apply to JWT logins).',
      },
      "Check {page:login-history} for the run-as user: the status says \"Restricted IP\" or names the login hours.",
    ],
    setupPage: 'profiles',
    retryable: false,
  },
  'login-rate-exceeded': {
    title: 'Too many logins for this user (invalid_grant: login rate exceeded)',
    causes: [
      'More than 3,600 logins in an hour for the run-as user: every JWT token exchange counts as a login.',
      'A client mints a new token for every request instead of reusing it.',
    ],
    fixes: [
      'Cache the access token and reuse it until it expires or the API answers 401; mint a new one only then.',
      'Give each pipeline or service its own integration user.',
      'Wait for the hourly window to pass.',
    ],
    setupPage: 'login-history',
    retryable: false,
  },
  'inactive-user': {
    title: 'The run-as user is inactive (invalid_grant: inactive user)',
    causes: [
      'The user was deactivated.',
      'The user is frozen, or (for API users) the password expired.',
    ],
    fixes: ['Reactivate or unfreeze the user in {page:users}, or choose another run-as user (--username).'],
    setupPage: 'users',
    retryable: false,
  },
  'inactive-org': {
    title: 'The org is not active (inactive_org)',
    causes: [
      'The org is locked, suspended or closed, or its trial expired.',
      'The scratch org or sandbox was deleted or has expired.',
    ],
    fixes: [
      'Log in to the org in a browser to see its status; {page:company-info} shows the organization.',
      'For scratch orgs and sandboxes, create or refresh one and set it up again.',
    ],
    setupPage: 'company-info',
    retryable: false,
  },
  'authentication-failure': {
    title: 'Salesforce refused the login without saying why (invalid_grant: authentication failure)',
    causes: [
      'A generic refusal; for the JWT flow the real reason is usually visible only in Login History.',
      'The run-as user may be frozen, locked out, or missing the API Enabled permission.',
    ],
    fixes: [
      'Open {page:login-history} and read the status of the latest "Remote Access 2.0" / OAuth login of the run-as user.',
      'Check the run-as user in {page:users}: active, not frozen or locked out, with the "API Enabled" permission.',
    ],
    setupPage: 'login-history',
    retryable: false,
  },
  'oauth-error': {
    title: 'Salesforce refused the token request with an error sfjwt does not recognise',
    causes: [
      'The error and its description are kept as Salesforce sent them; they are not one of the documented JWT-flow errors.',
      "If it mentions high assurance: the app's session policy requires a High Assurance session, which blocks JWT logins (the flow has no interactive step).",
    ],
    fixes: [
      'Read the error description: it is Salesforce\'s own words for the refusal.',
      {
        eca: 'For high assurance: in {page:eca-manager} → the app → Policies → Session Policies, remove the High Assurance session requirement.',
        ca: 'For high assurance: in {page:manage-connected-apps} → the app → Edit Policies → Session Policies, remove the High Assurance session requirement.',
      },
      'Check {page:login-history} for the run-as user.',
    ],
    setupPage: 'login-history',
    retryable: false,
  },

  // ---- transport ----------------------------------------------------------------------------
  'network-error': {
    title: 'Could not reach the Salesforce host',
    causes: [
      'The host name does not resolve: a mistyped My Domain name, or DNS is down.',
      'No network, or a firewall blocks outbound HTTPS.',
      'A proxy is required and HTTPS_PROXY is not set, or the proxy refused or reset the connection.',
    ],
    fixes: [
      'Check the login URL (the My Domain URL is in {page:my-domain}).',
      'Set HTTPS_PROXY (an http:// proxy URL) and NO_PROXY if you are behind a proxy.',
      'Try `curl -sI <login URL>` from the same machine.',
    ],
    retryable: false,
  },
  'tls-error': {
    title: 'The TLS connection to Salesforce failed',
    causes: [
      'A corporate proxy or antivirus (Zscaler and the like) intercepts TLS with its own CA: "unable to get local issuer certificate".',
      'HTTPS_PROXY uses an https:// proxy URL for a proxy that speaks plain HTTP (EPROTO, wrong version number).',
      'The host is not a Salesforce host (certificate name mismatch), or the clock is so far off that certificates look invalid.',
    ],
    fixes: [
      "Point NODE_EXTRA_CA_CERTS at your organisation's CA certificate (PEM) and retry.",
      'Use an http:// proxy URL in HTTPS_PROXY.',
      'Check the login URL and the system clock.',
    ],
    retryable: false,
  },
  timeout: {
    title: 'Salesforce did not answer in time',
    causes: ['A slow or filtered network, or a proxy that holds the connection.', 'A Salesforce incident.'],
    fixes: ['Retry with a longer timeout: `--timeout 60`.', 'Check proxy settings (HTTPS_PROXY, NO_PROXY) and https://status.salesforce.com.'],
    retryable: false,
  },
  'not-token-endpoint': {
    title: 'The login URL did not answer like a Salesforce token endpoint',
    causes: [
      'The login URL is not the org\'s My Domain: a Lightning or Setup host, a mistyped name, or a custom domain that does not serve OAuth.',
      'A proxy, captive portal or firewall answered with its own page.',
      'An Experience Cloud site URL without its site path.',
    ],
    fixes: [
      "Use the org's My Domain URL (https://<name>.my.salesforce.com); it is shown in {page:my-domain}.",
      'Open the token URL in a browser or with curl to see who answers.',
    ],
    setupPage: 'my-domain',
    retryable: false,
  },
  'server-error': {
    title: 'Salesforce (or a proxy in front of it) answered with a server error',
    causes: ['A Salesforce incident or maintenance window.', 'A proxy or gateway between you and Salesforce failed (502/503/504).'],
    fixes: ['Check https://status.salesforce.com and retry later.', 'If a proxy is in the way, try without it (NO_PROXY) or ask its owners.'],
    retryable: false,
  },

  // ---- after the token ----------------------------------------------------------------------
  'api-access-denied': {
    title: 'A token was issued, but the REST API refused it',
    causes: [
      'The app does not grant the `api` scope.',
      'The run-as user lacks the "API Enabled" permission.',
      "The org's edition has no API access (API_DISABLED_FOR_ORG).",
      '"This session is not valid for use with the REST API": no api scope, or IP restrictions on the session.',
      'API Access Control is on and this app is not allowed.',
    ],
    fixes: [
      {
        eca: 'Add "Manage user data via APIs (api)" to the OAuth scopes: {page:eca-manager} → the app → Settings → OAuth Settings.',
        ca: 'Add "Manage user data via APIs (api)" to the OAuth scopes: {page:connected-app-manager} → the app → Edit.',
      },
      'Give the run-as user "API Enabled" through the profile or a permission set: {page:permission-sets}.',
      'Use an org whose edition includes API access (Enterprise, Unlimited, Performance, Developer), or add API access to a Professional Edition org.',
    ],
    setupPage: { eca: 'eca-manager', ca: 'connected-app-manager' },
    retryable: false,
  },

  // ---- local ----------------------------------------------------------------------------------
  'key-missing': {
    title: 'The private key file was not found',
    causes: [
      'The path is wrong, or the file was moved or deleted (e.g. a CI step removed a temporary file).',
      'Neither --key, SFJWT_KEY_FILE nor SFJWT_KEY is set and the profile has no key.',
    ],
    fixes: ['Pass --key <file>, or set SFJWT_KEY_FILE, or SFJWT_KEY with the PEM (or the PEM base64-encoded).', 'Or create a key: `sfjwt cert generate`.'],
    retryable: false,
  },
  'key-unreadable': {
    title: 'The private key file cannot be read',
    causes: ['File permissions or ownership do not let this user read it.', 'The path is a directory.'],
    fixes: ['Make the file readable by the user running sfjwt, and only by them: `chmod 600 <key file>`.'],
    retryable: false,
  },
  'key-invalid': {
    title: 'The private key is not a PEM private key',
    causes: [
      'The file is not PEM ("no start line"): DER, PKCS#12, or an OpenSSH key.',
      'A certificate was given where the key should be.',
      'Newlines were lost or mangled when the PEM went through an environment variable or CI secret.',
    ],
    fixes: [
      'Use a PEM key starting with -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----; `sfjwt doctor{-a} --fix` repairs lost or mangled line breaks in place (the original kept in backup/).',
      'In CI, store the PEM base64-encoded on one line in SFJWT_KEY.',
      'Import a PKCS#12 file with `sfjwt cert import --p12 <file>`.',
    ],
    retryable: false,
  },
  'key-encrypted': {
    title: 'The private key is protected by a passphrase',
    causes: ['JWT clients (sfjwt, the sf CLI) need an unencrypted key to sign unattended.'],
    fixes: [
      'Remove the passphrase in place: `sfjwt doctor{-a} --fix` asks for it (or reads it from --passphrase-env VAR) and keeps the original in backup/.',
      'Or write a decrypted copy to a new file and use that: `(umask 077; openssl pkey -in <key> -out <key>.decrypted)`.',
    ],
    retryable: false,
  },
  'key-not-rsa': {
    title: 'The private key is not an RSA key',
    causes: ['Salesforce verifies JWT bearer assertions with RS256 only; EC and Ed25519 keys are rejected.'],
    fixes: ['Create an RSA key and certificate (`sfjwt cert generate`) and upload the new certificate to the app.'],
    retryable: false,
  },
  'key-size': {
    title: 'The RSA key size is outside 2048–4096 bits',
    causes: ['Keys under 2048 bits are weak and may be refused; above 4096 bits some clients refuse them.'],
    fixes: ['Create a 2048-, 3072- or 4096-bit key (`sfjwt cert generate --key-size 2048`) and upload the new certificate.'],
    retryable: false,
  },
  'key-permissions': {
    title: 'The private key file is readable by other users',
    causes: ['The file mode lets the group or everyone read the key.'],
    fixes: ['Restrict it: `chmod 600 <key file>` (`sfjwt doctor{-a} --fix` does it).'],
    retryable: false,
  },
  'cert-missing': {
    title: 'The certificate file was not found',
    causes: ['The path is wrong, or only the key was kept.'],
    fixes: ['Pass --cert <file>, or issue a new certificate from the same key: `sfjwt cert renew{-a}` (then upload it to the app).'],
    retryable: false,
  },
  'cert-invalid': {
    title: 'The certificate is not a PEM X.509 certificate',
    causes: ['The file is not PEM, is damaged, or holds a key or a CSR instead.'],
    fixes: ['Use the PEM certificate (-----BEGIN CERTIFICATE-----), or issue one from the key: `sfjwt cert renew{-a}`.'],
    retryable: false,
  },
  'cert-too-large': {
    title: 'The certificate file is larger than the 4 KB Salesforce accepts',
    causes: ['It holds a chain or several certificates, human-readable text, or a very large key.'],
    fixes: ['Upload only the leaf certificate in PEM without text: `openssl x509 -in <cert> -out <cert>.leaf.crt`, then upload that file.'],
    retryable: false,
  },
  'key-cert-mismatch': {
    title: 'The private key does not match the certificate',
    causes: ['The key and the certificate come from different key pairs; Salesforce will answer "invalid assertion".'],
    fixes: [
      'Issue a certificate from this key (`sfjwt cert renew{-a}`) and upload it to the app, or use the key that matches the uploaded certificate.',
    ],
    retryable: false,
  },
  'cert-expired': {
    title: 'The certificate has expired',
    causes: ['Its validity ended. Salesforce does not enforce certificate expiry for JWT logins, but policies and other tools may.'],
    fixes: ['Renew it from the same key (`sfjwt cert renew{-a}`, zero downtime) and upload the new certificate when convenient.'],
    retryable: false,
  },
  'cert-expiring': {
    title: 'The certificate expires soon',
    causes: ['Its validity ends within the warning window. Salesforce sends no reminder.'],
    fixes: ['Renew it from the same key (`sfjwt cert renew{-a}`): the public key does not change, so nothing breaks.'],
    retryable: false,
  },
  'login-url-invalid': {
    title: 'The login URL is not usable',
    causes: [
      'It is a Lightning (*.lightning.force.com) or Setup (*.my.salesforce-setup.com) host, not a login host.',
      'It is not a URL, uses http:// on a non-loopback host, or carries a path or query string.',
    ],
    fixes: ["Use the org's My Domain URL, e.g. https://acme.my.salesforce.com; it is shown in {page:my-domain}."],
    setupPage: 'my-domain',
    retryable: false,
  },
  'username-invalid': {
    title: 'The username does not look like a Salesforce username',
    causes: ['A Salesforce username has the form of an email address (name@domain), but is not necessarily the user\'s email.'],
    fixes: ['Copy the Username field of the run-as user from {page:users}.'],
    setupPage: 'users',
    retryable: false,
  },
  'username-org-mismatch': {
    title: 'The username does not fit the org',
    causes: [
      'Sandbox usernames carry the sandbox name as a suffix (user@acme.com.uat); a production username was used for a sandbox, or the reverse.',
    ],
    fixes: ['Use the username as it appears in this org\'s {page:users}.'],
    setupPage: 'users',
    retryable: false,
  },
  'client-id-format': {
    title: 'The consumer key does not look right',
    causes: ['It contains spaces or line breaks, is truncated, or is the consumer secret instead of the key.'],
    fixes: [
      {
        eca: 'Re-copy the consumer key: {page:eca-manager} → the app → Settings → OAuth Settings → Consumer Key and Secret.',
        ca: 'Re-copy the consumer key: {page:connected-app-manager} → the app → View → Manage Consumer Details.',
      },
    ],
    setupPage: { eca: 'eca-manager', ca: 'connected-app-manager' },
    retryable: false,
  },
  'clock-skew': {
    title: "This machine's clock differs from Salesforce's",
    causes: ['The system clock is not synchronised. An assertion whose exp is already past for Salesforce is refused ("expired authorization code").'],
    fixes: ['Enable NTP time sync. sfjwt never shifts exp to hide the skew, because your other clients would still fail.'],
    retryable: false,
  },
  'key-in-git': {
    title: 'The private key is inside a git work tree and not ignored',
    causes: ['The key could be committed and pushed.'],
    fixes: [
      'Add it to .gitignore, or keep keys in the sfjwt config dir.',
      'If it was ever committed, rotate the key: `sfjwt cert rotate{-a}`.',
    ],
    retryable: false,
  },

  // ---- usage --------------------------------------------------------------------------------
  usage: {
    title: 'A flag or value is missing or invalid',
    causes: ['A required value was not given and could not be asked for.'],
    fixes: ['Run the command with --help to see its options.'],
    retryable: false,
  },

  // ---- admin session and the org's own records ----------------------------------------
  'admin-session': {
    title: 'The admin session is missing, expired or lacks a permission',
    causes: [
      'The Salesforce CLI login (--admin-org) expired or was logged out, or SFJWT_ADMIN_ACCESS_TOKEN is stale.',
      'The admin user lacks "Modify Metadata Through Metadata API Functions", "Customize Application" or "Manage Users" (needed to deploy the app and assign the permission set).',
    ],
    fixes: [
      'Log in again: `sf org login web -o <alias>`, then rerun with --admin-org <alias>.',
      'Use a System Administrator, or give the admin user the missing permission through a permission set.',
    ],
    setupPage: 'users',
    retryable: false,
  },
  'deploy-failed': {
    title: 'Salesforce refused the External Client App deployment',
    causes: [
      'A component was rejected (its problem is named in the message).',
      'External Client Apps are not enabled in the org (External Client App Settings).',
      'The consumer key is taken by another app, or an existing app of that name holds a different one.',
    ],
    fixes: [
      'Fix the named component and rerun; nothing was changed (the deploy rolls back).',
      'Turn on External Client Apps: {page:eca-settings}.',
    ],
    setupPage: 'eca-settings',
    retryable: false,
  },
  'org-app-missing': {
    title: "The org's records show no enabled External Client App for this consumer key",
    causes: ['The app was deleted, renamed or never deployed, or it is disabled.'],
    fixes: ['Deploy it again: `sfjwt init --admin-org <alias>`, or check {page:eca-manager}.'],
    setupPage: 'eca-manager',
    retryable: false,
  },
  'org-certificate-mismatch': {
    title: "The certificate the app holds is not the local one (Salesforce's own record)",
    causes: ['Another certificate was uploaded to the app, or the local key was regenerated.'],
    fixes: ['Deploy the local certificate: `sfjwt cert renew --admin-org <alias>`, or upload it in {page:eca-manager}.'],
    setupPage: 'eca-manager',
    retryable: false,
  },
  'org-policy': {
    title: 'The app\'s OAuth policy does not allow JWT logins for pre-authorized users',
    causes: ['Permitted Users is "All users may self-authorize", or the session level is High Assurance.'],
    fixes: ['Set Permitted Users to "Admin approved users are pre-authorized" in {page:eca-manager}, or rerun `sfjwt init --admin-org <alias>`.'],
    setupPage: 'eca-manager',
    retryable: false,
  },
  'org-access-missing': {
    title: 'The run-as user holds no profile or permission set the app\'s policy names',
    causes: ['The permission set was never assigned to the user, or the assignment was removed.'],
    fixes: ['Assign the permission set to the user in {page:permission-sets}, or rerun `sfjwt init --admin-org <alias>`.'],
    setupPage: 'permission-sets',
    retryable: false,
  },
  'org-user-inactive': {
    title: 'The run-as user is inactive or does not exist (Salesforce\'s own record)',
    causes: ['The user was deactivated, or the username is misspelt or belongs to another org.'],
    fixes: ['Activate the user in {page:users}, or pass the right --username.'],
    setupPage: 'users',
    retryable: false,
  },
  'org-api-disabled': {
    title: 'The run-as user has no "API Enabled" permission',
    causes: ['Neither the user\'s profile nor any assigned permission set grants API Enabled.'],
    fixes: ['Grant "API Enabled" through the profile or a permission set in {page:permission-sets}.'],
    setupPage: 'permission-sets',
    retryable: false,
  },
};

const APP_LABEL: Record<AppKind, string> = { eca: 'External Client App', 'connected-app': 'Connected App' };

function pickPage(choice: PageChoice | undefined, appKind: AppKind | undefined): SetupPageId | undefined {
  if (choice === undefined || typeof choice === 'string') return choice;
  return appKind === 'connected-app' ? choice.ca : choice.eca;
}

function renderText(text: string, context: FindingContext): string {
  return text
    .replace(/\{page:([a-z-]+)\}/g, (_whole, id: string) => pageReference(id as SetupPageId, context.setupHost))
    .replace(/\{-a\}/g, context.alias ? ` -a ${context.alias}` : '');
}

/** One line per item, so callers can pick an item by its index whatever the app kind. */
function renderCopy(list: Copy[], context: FindingContext): string[] {
  return list.map((item) => {
    if (typeof item === 'string') return renderText(item, context);
    if (context.appKind === 'eca') return renderText(item.eca, context);
    if (context.appKind === 'connected-app') return renderText(item.ca, context);
    // App kind unknown: say both, labelled.
    return `${APP_LABEL.eca}: ${renderText(item.eca, context)} ${APP_LABEL['connected-app']}: ${renderText(item.ca, context)}`;
  });
}

/** Causes and fixes for one code, with copy for the app kind and Setup links on the org's host. */
export function findingFor(code: FindingCode, context: FindingContext = {}): ResolvedFinding {
  const entry = CATALOGUE[code];
  const page = pickPage(entry.setupPage, context.appKind);
  const host = context.setupHost;
  return {
    code,
    title: entry.title,
    causes: renderCopy(entry.causes, context),
    fixes: renderCopy(entry.fixes, context),
    ...(page ? { setupPage: page } : {}),
    ...(page && host ? { setupUrl: setupPageUrl(page, host) } : {}),
    retryable: entry.retryable,
  };
}

/**
 * Every code's finding, app-kind neutral, Setup pages named by their Quick Find wording. A
 * function, not a constant: rendering all of them at start-up would cost every command.
 */
export function allFindings(): Readonly<Record<FindingCode, FindingInfo>> {
  return Object.fromEntries(
    ALL_CODES.map((code) => {
      const { code: _code, setupUrl: _url, ...info } = findingFor(code);
      return [code, info];
    }),
  ) as Record<FindingCode, FindingInfo>;
}

/** Whether waiting for Salesforce to propagate a change can turn this failure into a success. */
export function isRetryable(code: FindingCode | 'ok'): boolean {
  return code !== 'ok' && CATALOGUE[code].retryable;
}
