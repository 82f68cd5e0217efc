import { apiAccess } from './checks/api-access.js';
import { certExpiry } from './checks/cert-expiry.js';
import { certFile } from './checks/cert-file.js';
import { certFormat } from './checks/cert-format.js';
import { certSize } from './checks/cert-size.js';
import { clientId } from './checks/client-id.js';
import { clockSkew } from './checks/clock-skew.js';
import { dns } from './checks/dns.js';
import { identity } from './checks/identity.js';
import { keyCertMatch } from './checks/key-cert-match.js';
import { keyFile } from './checks/key-file.js';
import { keyFormat } from './checks/key-format.js';
import { keyInGit } from './checks/key-in-git.js';
import { keyPermissions } from './checks/key-permissions.js';
import { keySize } from './checks/key-size.js';
import { loginUrl } from './checks/login-url.js';
import { reachability } from './checks/reachability.js';
import { tls } from './checks/tls.js';
import { tokenExchange } from './checks/token-exchange.js';
import { username } from './checks/username.js';
import { usernameOrg } from './checks/username-org.js';
import type { Check } from './types.js';

/** Every check, in the order the report shows them (categories stay together). */
export const CHECKS: readonly Check[] = [
  keyFile,
  keyFormat,
  keySize,
  keyPermissions,
  keyInGit,
  certFile,
  certFormat,
  certSize,
  certExpiry,
  keyCertMatch,
  loginUrl,
  username,
  usernameOrg,
  clientId,
  dns,
  tls,
  reachability,
  clockSkew,
  tokenExchange,
  identity,
  apiAccess,
];
