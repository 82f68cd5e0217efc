import fs from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, singleAppConfig, type RunningEmulator, type SingleAppOptions } from '../../../src/emulator/index.js';
import { CHECKS } from '../../../src/doctor/registry.js';
import { runDoctor } from '../../../src/doctor/run-checks.js';
import type { DoctorReport } from '../../../src/doctor/types.js';
import type { CredentialFlags } from '../../../src/core/credentials.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { CLIENT_ID, USERNAME, makePair, runOne, serve, settingsFrom, shared, testDeps, writePair, type Pair } from './fixtures.js';

let pair: Pair;
let other: Pair;
let dir: string;
let files: { keyPath: string; certPath: string };
let emulator: RunningEmulator | undefined;

beforeAll(async () => {
  pair = makePair();
  other = makePair();
  dir = await makeTempDir();
  files = await writePair(dir, pair);
  return () => fs.rm(dir, { recursive: true, force: true });
});

afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

async function start(options: Partial<SingleAppOptions> = {}): Promise<RunningEmulator> {
  emulator = await startEmulator(singleAppConfig({ clientId: CLIENT_ID, certPem: pair.certPem, username: USERNAME, ...options }), { port: 0 });
  return emulator;
}

async function doctor(emu: RunningEmulator, flags: CredentialFlags = {}): Promise<DoctorReport> {
  const settings = settingsFrom({ loginUrl: emu.url, username: USERNAME, clientId: CLIENT_ID, key: files.keyPath, cert: files.certPath, app: 'eca', ...flags });
  return (await runDoctor({ settings, deps: testDeps(), shared: shared(), selection: { offline: false } })).report;
}

const status = (report: DoctorReport, id: string) => report.checks.find((c) => c.id === id)?.status;

describe('doctor against the emulator (real HTTP)', () => {
  it('a working External Client App: every check passes and the My Domain pair is reported', async () => {
    const emu = await start();
    const report = await doctor(emu);
    expect(report.checks.filter((c) => c.status === 'fail' || c.status === 'crash')).toEqual([]);
    expect(report.working).toEqual({ loginUrl: emu.url, audience: emu.url });
    expect(report.attempts).toHaveLength(1);
    expect(report.diagnosis).toEqual([]);
    expect(status(report, 'identity')).toBe('pass');
    expect(status(report, 'api-access')).toBe('pass');
    expect(report.clockSkewSeconds).not.toBeNull();
    // The assertion went to the emulator exactly once: one shared exchange for all dependent checks.
    expect(emu.requests.filter((r) => r.path.startsWith('/services/oauth2/token'))).toHaveLength(1);
  });

  it('a Connected App: the My Domain aud is refused, login works, and both attempts are reported', async () => {
    const emu = await start({ app: 'connected-app' });
    const report = await doctor(emu, { app: 'connected-app' });
    expect(report.working).toEqual({ loginUrl: emu.url, audience: 'https://login.salesforce.com' });
    expect(report.attempts.map((a) => a.outcome)).toEqual(['audience-invalid', 'ok']);
    expect(report.checks.find((c) => c.id === 'token-exchange')?.summary).toContain('attempt 2 of 2');
  });

  const cases: Array<{
    name: string;
    options?: Partial<SingleAppOptions>;
    flags?: CredentialFlags;
    arrange?: (emu: RunningEmulator) => void | Promise<void>;
    code: string;
    page: string | null;
    text?: RegExp;
  }> = [
    { name: 'unassigned user (admin approved)', options: { assigned: false }, code: 'user-not-admin-approved', page: 'ManageExternalClientApplication' },
    { name: 'self-authorize policy without approval', options: { policy: 'self', assigned: false }, code: 'user-not-approved', page: 'ManageExternalClientApplication', text: /self-authorize/ },
    {
      name: 'self-authorize on a Connected App',
      options: { policy: 'self', assigned: false, app: 'connected-app' },
      flags: { app: 'connected-app' },
      code: 'user-not-approved',
      page: 'ConnectedApplication',
      text: /Connected App/,
    },
    { name: 'another certificate uploaded', options: { certPem: '' }, arrange: () => undefined, code: 'invalid-assertion', page: 'ManageExternalClientApplication', text: /holds a different certificate/ },
    {
      name: 'certificate replaced minutes ago (old one still live)',
      options: { certPem: '' },
      arrange: (emu) => emu.replaceCertificate(CLIENT_ID, pair.certPem, { propagationSeconds: 600 }),
      code: 'invalid-assertion',
      page: 'ManageExternalClientApplication',
      text: /less than 10 minutes ago/,
    },
    { name: 'clock offset', arrange: (emu) => emu.setSimulation({ clockOffsetSeconds: 400 }), code: 'clock-skew', page: null, text: /clock is \d+ s behind/ },
    { name: 'inactive user', arrange: (emu) => emu.setUserActive(USERNAME, false), code: 'inactive-user', page: 'ManageUsers' },
    { name: 'IP restriction', arrange: (emu) => emu.updateUser(USERNAME, { ipRestricted: true }), code: 'ip-restricted', page: 'EnhancedProfiles' },
    { name: 'login rate', arrange: (emu) => emu.setSimulation({ loginRateLimitPerHour: 0 }), code: 'login-rate-exceeded', page: 'OrgLoginHistory' },
    { name: 'HTML answer', arrange: (emu) => emu.setSimulation({ html: true }), code: 'not-token-endpoint', page: 'OrgDomain' },
    { name: 'server errors', arrange: (emu) => emu.setSimulation({ serverErrors: 100 }), code: 'server-error', page: null },
    { name: 'propagation of a new app', options: { simulate: { propagationSeconds: 600 } }, code: 'client-id-invalid', page: 'ManageExternalClientApplication', text: /less than 10 minutes ago/ },
    { name: 'app removed', arrange: (emu) => emu.removeApp(CLIENT_ID), code: 'client-id-invalid', page: 'ManageExternalClientApplication' },
    // The token is issued with the api scope: the user's missing "API Enabled" comes first, not the scope.
    { name: 'API disabled for the user', arrange: (emu) => emu.updateUser(USERNAME, { apiEnabled: false }), code: 'api-access-denied', page: 'PermSets', text: /lacks the "API Enabled" permission/ },
    { name: 'inactive org', arrange: (emu) => emu.setOrgActive(false), code: 'inactive-org', page: 'CompanyProfileInfo' },
    {
      name: 'Connected App in a sandbox taken for production',
      options: { app: 'connected-app', isSandbox: true },
      flags: { app: 'connected-app', orgKind: 'production' },
      code: 'audience-invalid',
      page: 'OrgDomain',
      text: /--org-kind sandbox/,
    },
    {
      name: 'External Client App with a fixed login.salesforce.com audience',
      flags: { audience: 'https://login.salesforce.com' },
      code: 'app-not-installed',
      page: 'OrgDomain',
      text: /Drop --audience/,
    },
  ];

  it.each(cases)('$name → $code first, with its Setup page', async ({ options, flags, arrange, code, page, text }) => {
    const emu = await start({ ...options, ...(options?.certPem === '' ? { certPem: other.certPem } : {}) });
    await arrange?.(emu);
    const report = await doctor(emu, flags);
    const top = report.diagnosis[0]!;
    expect(top.code).toBe(code);
    if (page) expect(top.setupUrl).toBe(`${emu.url}${top.setupUrl!.slice(emu.url.length)}`);
    if (page) expect(top.setupUrl).toContain(`/lightning/setup/${page}/`);
    if (text) expect(`${top.cause} ${top.fix}`).toMatch(text);
    // Every attempt is reported, and nothing was printed by a check (data only).
    expect(report.attempts.length).toBeGreaterThan(0);
  });

  it('a key that does not match the local certificate, with the other certificate uploaded: upload this key\'s certificate', async () => {
    const emu = await start({ certPem: other.certPem });
    const otherCert = path.join(dir, 'other.crt');
    await fs.writeFile(otherCert, other.certPem);
    const report = await doctor(emu, { cert: otherCert });
    expect(status(report, 'key-cert-match')).toBe('fail');
    expect(report.diagnosis[0]).toMatchObject({ code: 'key-cert-mismatch', command: 'sfjwt cert renew' });
    expect(report.diagnosis[0]!.setupUrl).toContain('/lightning/setup/ManageExternalClientApplication/');
  });

  it('--offline makes no request at all and skips the network checks with how to re-enable them', async () => {
    const emu = await start();
    const settings = settingsFrom({ loginUrl: emu.url, username: USERNAME, clientId: CLIENT_ID, key: files.keyPath, cert: files.certPath });
    const { report } = await runDoctor({ settings, deps: testDeps(), shared: shared(), selection: { offline: true } });
    expect(emu.requests).toHaveLength(0);
    for (const id of ['dns', 'tls', 'reachability', 'clock-skew', 'token-exchange', 'identity', 'api-access']) {
      expect(report.checks.find((c) => c.id === id)).toMatchObject({ status: 'skip', summary: expect.stringContaining('--offline') });
    }
  });
});

describe('network checks against local servers', () => {
  const flagsFor = (url: string): CredentialFlags => ({ loginUrl: url, username: USERNAME, clientId: CLIENT_ID, key: files.keyPath });
  const check = (id: string) => CHECKS.find((c) => c.id === id)!;
  const run = (id: string, url: string) => runOne(check(id), CHECKS, settingsFrom(flagsFor(url)), { offline: false });

  it('reachability: an HTML page fails with not-token-endpoint (the exchange is still tried), a 503 with server-error', async () => {
    const html = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><title>Proxy</title></html>'));
    try {
      const result = await run('reachability', html.url);
      expect(result).toMatchObject({ status: 'fail', code: 'not-token-endpoint', satisfies: true });
      expect(result.fix?.command).toContain('curl');
    } finally {
      await html.stop();
    }
    const down = await serve((_req, res) => res.writeHead(503).end('busy'));
    try {
      expect(await run('reachability', down.url)).toMatchObject({ status: 'fail', code: 'server-error' });
    } finally {
      await down.stop();
    }
  });

  it('reachability: a closed port fails with network-error and holds back the token exchange', async () => {
    const gone = await serve(() => undefined);
    await gone.stop();
    expect(await run('reachability', gone.url)).toMatchObject({ status: 'fail', code: 'network-error' });
  });

  it('clock-skew: within 30 s passes, 60 s warns, 400 s (exp already past) fails; no Date header skips', async () => {
    for (const [offset, expected] of [
      [0, 'pass'],
      [60, 'warn'],
      [400, 'fail'],
    ] as const) {
      const server = await serve((_req, res) => {
        res.sendDate = false;
        res.writeHead(200, { 'content-type': 'application/json', date: new Date(Date.now() + offset * 1000).toUTCString() }).end('[]');
      });
      try {
        const result = await run('clock-skew', server.url);
        expect(result.status).toBe(expected);
        if (expected !== 'pass') expect(result).toMatchObject({ code: 'clock-skew', fix: { hint: expect.stringContaining('NTP') } });
      } finally {
        await server.stop();
      }
    }
    const noDate = await serve((_req, res) => {
      res.sendDate = false;
      res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    });
    try {
      expect(await run('clock-skew', noDate.url)).toMatchObject({ status: 'skip', satisfies: true });
    } finally {
      await noDate.stop();
    }
  });

  it('tls: a certificate no CA vouches for fails with tls-error and a hint about NODE_EXTRA_CA_CERTS-style interception', async () => {
    const server = createHttpsServer({ key: pair.keyPem, cert: pair.certPem }, (_req, res) => res.end('[]'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const result = await run('tls', `https://127.0.0.1:${port}`);
      expect(result).toMatchObject({ status: 'fail', code: 'tls-error' });
      expect(result.summary).toContain('TLS handshake');
      const exchange = await run('token-exchange', `https://127.0.0.1:${port}`);
      expect(exchange).toMatchObject({ status: 'skip', summary: expect.stringContaining('TLS') });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('dns: a host that does not resolve fails with network-error and an nslookup command', async () => {
    const result = await run('dns', 'https://sfjwt-doctor-test-host.invalid');
    expect(result).toMatchObject({ status: 'fail', code: 'network-error' });
    expect(result.fix?.command).toBe('nslookup sfjwt-doctor-test-host.invalid');
  });

  it('dns: a proxy whose own name does not resolve is not blamed on the login host', async () => {
    const result = await runOne(check('dns'), CHECKS, settingsFrom(flagsFor('https://acme.my.salesforce.com')), {
      offline: false,
      env: { HTTPS_PROXY: 'http://sfjwt-doctor-proxy.invalid:3128' },
    });
    expect(result.status).toBe('pass');
    const reachability = await runOne(check('reachability'), CHECKS, settingsFrom(flagsFor('https://acme.my.salesforce.com')), {
      offline: false,
      env: { HTTPS_PROXY: 'http://sfjwt-doctor-proxy.invalid:3128' },
    });
    expect(reachability.status).toBe('fail');
    expect(reachability.summary).toMatch(/proxy/);
  });
});
