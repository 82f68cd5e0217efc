import { TransportError } from './types.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface ProxyChoice {
  /** The proxy URL as configured (may carry credentials; never print it, see redactProxy). */
  url: string;
  /** The variable it came from, named in messages (HTTPS_PROXY, http_proxy, ...). */
  variable: string;
}

/** First non-empty variable; lower case first, as curl, Python and undici read them. */
function fromEnv(env: Env, ...names: string[]): ProxyChoice | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { url: value, variable: name };
  }
  return undefined;
}

export function noProxyValue(env: Env): string {
  return env.no_proxy ?? env.NO_PROXY ?? '';
}

/**
 * NO_PROXY with undici's EnvHttpProxyAgent semantics (so both layers agree on what is bypassed):
 * entries separated by commas or spaces, `*` for everything, a leading `.` or `*.` ignored, a host
 * matches itself and its subdomains, an optional `:port` must match too.
 */
function bypassed(url: URL, noProxy: string): boolean {
  const value = noProxy.trim();
  if (value === '*') return true;
  const host = url.host.replace(/:\d*$/, '').toLowerCase();
  const port = Number.parseInt(url.port, 10) || (url.protocol === 'https:' ? 443 : 80);
  return value.split(/[,\s]/).some((raw) => {
    if (!raw) return false;
    const parsed = /^(.+):(\d+)$/.exec(raw);
    const entryHost = (parsed ? parsed[1]! : raw).replace(/^\*?\./, '').toLowerCase();
    const entryPort = parsed ? Number.parseInt(parsed[2]!, 10) : 0;
    if (entryPort && entryPort !== port) return false;
    return host === entryHost || host.endsWith(`.${entryHost}`);
  });
}

export function httpProxyChoice(env: Env): ProxyChoice | undefined {
  return fromEnv(env, 'http_proxy', 'HTTP_PROXY');
}

export function httpsProxyChoice(env: Env): ProxyChoice | undefined {
  return fromEnv(env, 'https_proxy', 'HTTPS_PROXY') ?? httpProxyChoice(env);
}

/** The proxy that applies to `url` under these environment variables (README: "Network, proxies and corporate TLS"), or undefined. */
export function proxyChoiceFor(url: URL, env: Env): ProxyChoice | undefined {
  const choice = url.protocol === 'https:' ? httpsProxyChoice(env) : httpProxyChoice(env);
  if (!choice || bypassed(url, noProxyValue(env))) return undefined;
  return choice;
}

/** `host:port` without a scheme means http://, as curl reads it. */
export function withScheme(proxy: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}

/**
 * The proxy URL with its credentials masked, for messages: `user:***@` for a user and password,
 * `***@` for a user alone (often a token). Read as text, not parsed, so that credentials holding
 * characters a URL parser chokes on (`/`, a bad `%` escape) are masked all the same.
 */
export function redactProxy(proxy: string): string {
  const text = withScheme(proxy);
  const start = text.indexOf('://') + 3;
  const at = text.lastIndexOf('@');
  if (at < start) return text.replace(/\/$/, '');
  const credentials = text.slice(start, at);
  const colon = credentials.indexOf(':');
  const shown = colon > 0 && !/[/?#]/.test(credentials.slice(0, colon)) ? `${credentials.slice(0, colon)}:***` : '***';
  return `${text.slice(0, start)}${shown}${text.slice(at)}`.replace(/\/$/, '');
}

/**
 * The proxy URL, checked before anything is sent: http:// or https://, a host, credentials that
 * decode. Otherwise a TransportError of kind 'proxy' naming the variable (never the password).
 */
export function parseProxy(proxy: ProxyChoice): URL {
  const invalid = (why: string) =>
    new TransportError('proxy', `${proxy.variable} (${redactProxy(proxy.url)}) is not a valid proxy URL: ${why}`, 'PROXY_URL_INVALID');
  let url: URL;
  try {
    url = new URL(withScheme(proxy.url));
  } catch {
    throw invalid('it does not parse as a URL (percent-encode special characters in the user name and password)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('use an http:// or https:// proxy');
  if (!url.hostname) throw invalid('it names no host');
  try {
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
  } catch {
    throw invalid('its user name or password has a malformed %-escape (write % as %25)');
  }
  return url;
}
