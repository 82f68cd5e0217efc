import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ecaComponents } from '../../../src/admin/metadata.js';
import { FORMAT_IDS, fileMode, formatSpec, renderFormat, sfAudienceOverride, simpleSalesforceArgs, type FormatId } from '../../../src/export/formats.js';
import { readTemplates } from '../../../src/export/templates.js';
import { appNameFor, contactEmailFor, workingPair, type ExportValues } from '../../../src/export/values.js';
import { normalizeLoginUrl } from '../../../src/salesforce/login-url.js';
import { checkXml } from './xml.js';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIBfakeCERTIFICATEbodyForSnapshotsOnly0123456789\n-----END CERTIFICATE-----\n';

/** Production org, External Client App, verified with aud = My Domain. */
const production: ExportValues = {
  alias: 'prod',
  loginUrl: 'https://acme.my.salesforce.com',
  orgKind: 'production',
  appKind: 'eca',
  username: 'integration@acme.com',
  clientId: '3MVG9_production_consumer_key',
  keyPath: '/home/dev/.config/sfjwt/keys/prod/server.key',
  endpoint: 'https://acme.my.salesforce.com',
  audience: 'https://acme.my.salesforce.com',
  audienceSource: 'verified',
  certPem: CERT,
  appName: 'sfjwt_prod',
  contactEmail: 'integration@acme.com',
  instanceUrl: 'https://acme.my.salesforce.com',
  sfjwtVersion: '1.2.3',
};

/** Sandbox, Connected App, token at My Domain with aud = test.salesforce.com. */
const sandbox: ExportValues = {
  alias: 'uat',
  loginUrl: 'https://acme--uat.sandbox.my.salesforce.com',
  orgKind: 'sandbox',
  appKind: 'connected-app',
  username: 'integration@acme.com.uat',
  clientId: '3MVG9_sandbox_consumer_key',
  keyPath: '/home/dev/.config/sfjwt/keys/uat/server.key',
  endpoint: 'https://acme--uat.sandbox.my.salesforce.com',
  audience: 'https://test.salesforce.com',
  audienceSource: 'verified',
  certPem: CERT,
  appName: 'sfjwt_uat',
  contactEmail: 'integration@acme.com',
  instanceUrl: 'https://acme--uat.sandbox.my.salesforce.com',
  sfjwtVersion: '1.2.3',
  sandboxName: 'uat',
  access: { kind: 'profile', names: ['Minimum Access - API Only Integrations'] },
};

/** Developer Edition, External Client App, never verified (the likely pair). */
const developer: ExportValues = {
  alias: 'dev',
  loginUrl: 'https://acme-dev-ed.develop.my.salesforce.com',
  orgKind: 'developer',
  appKind: 'eca',
  username: 'dev@acme.dev',
  clientId: '3MVG9_developer_consumer_key',
  keyPath: '/home/dev/.config/sfjwt/keys/dev/server.key',
  endpoint: 'https://acme-dev-ed.develop.my.salesforce.com',
  audience: 'https://acme-dev-ed.develop.my.salesforce.com',
  audienceSource: 'default',
  certPem: CERT,
  appName: 'sfjwt_dev',
  contactEmail: 'dev@acme.dev',
  instanceUrl: 'https://acme-dev-ed.develop.my.salesforce.com',
  access: { kind: 'permission-set', names: ['JWT_Integration'] },
  sfjwtVersion: '1.2.3',
};

const PROFILES = { production, sandbox, developer } as const;
const templates = new Map<FormatId, { path: string; text: string }[]>();
let keyPem: string;
let keyBody: string;

beforeAll(async () => {
  for (const id of FORMAT_IDS) templates.set(id, await readTemplates(formatSpec(id)));
  keyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  keyBody = keyPem.split('\n').slice(1, -2).join('');
});

function renderAll(id: FormatId, values: ExportValues) {
  return renderFormat(formatSpec(id), values, templates.get(id)!);
}

function joined(id: FormatId, values: ExportValues): string {
  return renderAll(id, values)
    .map((f) => `==> ${f.path} (${f.mode.toString(8)})\n${f.content}`)
    .join('\n');
}

describe.each(Object.entries(PROFILES))('%s profile', (name, values) => {
  it.each(FORMAT_IDS)('%s renders (snapshot) without key material', (id) => {
    const text = joined(id, values);
    expect(text).toMatchSnapshot();
    expect(text).not.toMatch(/PRIVATE KEY/);
    expect(text).not.toMatch(/\{\{[#/]?[A-Za-z]/); // nothing left unrendered
    expect(name).toBeTruthy();
  });
});

describe('sf', () => {
  it('sets SF_AUDIENCE_URL only when the working aud is none of the instance URL, test and login (sf tries those itself)', () => {
    expect(joined('sf', production)).not.toContain('SF_AUDIENCE_URL=');
    expect(joined('sf', production)).toContain('This org accepts the first (https://acme.my.salesforce.com): sf logs in at once.');
    const sandboxText = joined('sf', sandbox);
    expect(sandboxText).not.toContain('SF_AUDIENCE_URL=');
    expect(sandboxText).toMatch(/then test\.salesforce\.com, then\n# login\.salesforce\.com .*then the --instance-url with\n# aud = SF_AUDIENCE_URL/);
    expect(sandboxText).toMatch(/accepts aud = https:\/\/test\.salesforce\.com \(Connected App\): sf gets there after its\n# earlier tries are refused.*about 10 s/s);
    for (const audience of ['https://login.salesforce.com', 'https://test.salesforce.com/']) {
      expect(sfAudienceOverride({ endpoint: 'https://acme.my.salesforce.com', audience })).toBeUndefined();
    }
    expect(sfAudienceOverride({ endpoint: 'https://test.salesforce.com', audience: 'https://test.salesforce.com/' })).toBeUndefined();
    const custom = { ...production, audience: 'https://gs1.salesforce.com' };
    expect(joined('sf', custom)).toContain('SF_AUDIENCE_URL=https://gs1.salesforce.com \\\nsf org login jwt');
    expect(joined('github-actions', custom)).toContain('SF_AUDIENCE_URL: https://gs1.salesforce.com');
    expect(joined('github-actions', sandbox)).not.toContain('SF_AUDIENCE_URL');
    expect(joined('gitlab-ci', sandbox)).toContain('about 10 s per try');
    const text = joined('sf', production);
    expect(text).toContain('--instance-url https://acme.my.salesforce.com');
    expect(text).toContain('--jwt-key-file /home/dev/.config/sfjwt/keys/prod/server.key');
    expect(text).toContain('cli#81');
  });
});

describe('env', () => {
  it('pins SFJWT_AUDIENCE only when it is known', () => {
    expect(joined('env', production)).toContain('SFJWT_AUDIENCE=https://acme.my.salesforce.com');
    expect(joined('env', developer)).not.toContain('SFJWT_AUDIENCE=');
    expect(joined('env', sandbox)).toMatch(/^SFJWT_KEY_FILE=\/home\/dev\/.config\/sfjwt\/keys\/uat\/server.key$/m);
    expect(joined('env', production)).toContain('$(sfjwt token)');
  });
});

describe('CI exports', () => {
  it('run on Node 22, install the sfjwt version that wrote them, and the workflow only reads the repository', () => {
    const gh = joined('github-actions', production);
    expect(gh).toMatch(/^ {10}node-version: 22$/m);
    expect(gh).toContain('npm install --global sfjwt@1.2.3 @salesforce/cli');
    expect(gh).toMatch(/^permissions:\n {2}contents: read$/m);
    const gl = joined('gitlab-ci', production);
    expect(gl).toMatch(/^ {2}image: node:22$/m);
    expect(gl).toContain('- npm install --global sfjwt@1.2.3 @salesforce/cli');
    expect(`${gh}${gl}`).not.toMatch(/node(-version: |:)20\b/);
  });
});

describe('simple-salesforce', () => {
  it('domain carries the aud; instance_url (1.12.6+) the token host when it differs', () => {
    expect(simpleSalesforceArgs(production)).toEqual({ domain: 'acme.my' });
    expect(simpleSalesforceArgs(developer)).toEqual({ domain: 'acme-dev-ed.develop.my' });
    expect(simpleSalesforceArgs(sandbox)).toEqual({ domain: 'test', instanceUrl: 'acme--uat.sandbox.my' });
    expect(simpleSalesforceArgs({ endpoint: 'https://test.salesforce.com', audience: 'https://test.salesforce.com/' })).toEqual({ domain: 'test' });
    expect(joined('simple-salesforce', production)).toContain("domain='acme.my',\n)");
    expect(joined('simple-salesforce', production)).toContain('pip install simple-salesforce\n');
    const text = joined('simple-salesforce', sandbox);
    expect(text).toContain("domain='test',\n    instance_url='acme--uat.sandbox.my',\n)");
    expect(text).toContain("pip install 'simple-salesforce>=1.12.6'");
  });

  it('refuses, naming the host, where the library cannot reach it (outside salesforce.com, http, a port)', () => {
    for (const [endpoint, audience, named] of [
      ['https://login.example.com', 'https://login.example.com', 'audience is https://login.example.com'],
      ['https://acme.my.salesforce.mil', 'https://login.salesforce.com', 'token endpoint is https://acme.my.salesforce.mil'],
      ['http://127.0.0.1:4321', 'http://127.0.0.1:4321', 'audience is http://127.0.0.1:4321'],
      ['https://acme.my.salesforce.com:8443', 'https://acme.my.salesforce.com', 'token endpoint is'],
    ] as const) {
      expect(() => joined('simple-salesforce', { ...production, endpoint, audience })).toThrow(
        expect.objectContaining({ exitCode: 2, message: expect.stringContaining(named), hint: expect.stringContaining('--format python') }),
      );
    }
  });
});

describe('python', () => {
  it('is the seed script fixed: pyjwt, no .decode(), exp in UTC seconds + 180, the working pair, readable errors', () => {
    const text = joined('python', production);
    expect(text).toContain('pip install pyjwt cryptography requests');
    expect(text).not.toMatch(/jwt\.encode\([^\n]*\)\.decode/);
    expect(text).toContain("assertion = jwt.encode(claims, read_private_key(), algorithm='RS256')\n");
    expect(text).toContain("'exp': int(time.time()) + 180");
    expect(text).toContain("TOKEN_URL = 'https://acme.my.salesforce.com/services/oauth2/token'");
    expect(text).toContain("AUDIENCE = 'https://acme.my.salesforce.com'");
    expect(text).toContain("body.get('error_description'");
    expect(text).toContain('jwt.py');
    expect(joined('python', sandbox)).toContain("AUDIENCE = 'https://test.salesforce.com'");
    expect(formatSpec('python').fileName).not.toBe('jwt.py');
  });
});

describe('jsforce and curl', () => {
  it('jsforce signs with node:crypto and calls conn.authorize with the jwt-bearer grant', () => {
    const text = joined('jsforce', sandbox);
    expect(text).toContain("from 'node:crypto'");
    expect(text).toContain('conn.authorize({');
    expect(text).toContain("grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer'");
    expect(text).toContain("const LOGIN_URL = 'https://acme--uat.sandbox.my.salesforce.com';");
    expect(text).toContain("const AUDIENCE = 'https://test.salesforce.com';");
  });

  it('curl uses only openssl, curl and coreutils', () => {
    const text = joined('curl', production);
    expect(text).toContain('openssl dgst -sha256 -sign');
    expect(text).toContain("openssl base64 -A | tr '+/' '-_' | tr -d '='");
    expect(text).toContain('--data-urlencode');
    expect(text).not.toMatch(/\bjq\b|\bpython|\bnode\b/);
  });
});

describe('metadata', () => {
  it('eca-metadata: five files in source format plus package.xml, well-formed, with the certificate', () => {
    const files = renderAll('eca-metadata', sandbox);
    const paths = files.map((f) => f.path).sort();
    expect(paths).toEqual([
      'README.md',
      'force-app/main/default/externalClientApps/sfjwt_uat.eca-meta.xml',
      'force-app/main/default/extlClntAppGlobalOauthSets/sfjwt_uatGlblOAuth.ecaGlblOauth-meta.xml',
      'force-app/main/default/extlClntAppOauthPolicies/sfjwt_uatOAuthSettings_defaultPolicy.ecaOauthPlcy-meta.xml',
      'force-app/main/default/extlClntAppOauthSettings/sfjwt_uatOAuthSettings.ecaOauth-meta.xml',
      'force-app/main/default/extlClntAppPolicies/sfjwt_uat_defaultPolicy.ecaPlcy-meta.xml',
      'package.xml',
      'sfdx-project.json',
    ]);
    const xml = Object.fromEntries(files.filter((f) => f.path.endsWith('.xml')).map((f) => [f.path.split('/').pop()!, checkXml(f.content)]));
    expect(xml['sfjwt_uatGlblOAuth.ecaGlblOauth-meta.xml']!.text.certificate).toEqual([CERT.trim()]);
    expect(xml['sfjwt_uatOAuthSettings.ecaOauth-meta.xml']!.text.commaSeparatedOauthScopes).toEqual(['Api, RefreshToken, OpenID']);
    const policy = xml['sfjwt_uatOAuthSettings_defaultPolicy.ecaOauthPlcy-meta.xml']!;
    expect(policy.root).toBe('ExtlClntAppOauthConfigurablePolicies');
    expect(policy.text.permittedUsersPolicyType).toEqual(['AdminApprovedPreAuthorized']);
    expect(policy.text.commaSeparatedProfile).toEqual(['Minimum Access - API Only Integrations']);
    expect(xml['package.xml']!.text.name).toEqual([
      'ExternalClientApplication',
      'ExtlClntAppOauthSettings',
      'ExtlClntAppGlobalOauthSettings',
      'ExtlClntAppOauthConfigurablePolicies',
      'ExtlClntAppConfigurablePolicies',
    ]);
    expect(JSON.parse(files.find((f) => f.path === 'sfdx-project.json')!.content).packageDirectories[0].path).toBe('force-app');
    const readme = files.find((f) => f.path === 'README.md')!.content;
    expect(readme).toContain('sf project deploy start');
    expect(readme).toContain('Allow Access to OAuth Consumer Secrets via Metadata API');
    expect(readme).toContain('View External Client Apps Consumer Secrets in Metadata');
  });

  it('eca-metadata is rendered by the generator init --admin deploys: the same fields, bar the consumer key and the grant', () => {
    const exported = renderAll('eca-metadata', sandbox);
    const deployed = ecaComponents({ appName: sandbox.appName, contactEmail: sandbox.contactEmail, username: sandbox.username, certificatePem: sandbox.certPem!, consumerKey: 'K'.repeat(85), permissionSet: 'sfjwt_uat' });
    const fields = (xml: string) => xml.replace(/<!--[\s\S]*?-->/g, '').split('\n').map((l) => l.trim()).filter((l) => l && !/^<(consumerKey|commaSeparated\w+)>/.test(l));
    for (const c of deployed.filter((d) => d.type !== 'PermissionSet')) {
      const file = exported.find((f) => f.path === `force-app/main/default/${c.path}-meta.xml`);
      expect(file, c.path).toBeDefined();
      expect(fields(file!.content)).toEqual(fields(c.content));
    }
  });

  it('a permission set goes to commaSeparatedPermissionSet; no grant → a System Administrator placeholder', () => {
    const dev = checkXml(renderAll('eca-metadata', developer).find((f) => f.path.endsWith('.ecaOauthPlcy-meta.xml'))!.content);
    expect(dev.text.commaSeparatedPermissionSet).toEqual(['JWT_Integration']);
    const { access: _none, ...noAccess } = production;
    const prod = renderAll('eca-metadata', noAccess).find((f) => f.path.endsWith('.ecaOauthPlcy-meta.xml'))!.content;
    expect(checkXml(prod).text.commaSeparatedProfile).toEqual(['System Administrator']);
    expect(prod).toContain('PLACEHOLDER');
  });

  it('connected-app-metadata: ConnectedApp with the certificate, admin-approved, and the Spring \'26 note', () => {
    const files = renderAll('connected-app-metadata', sandbox);
    const app = files.find((f) => f.path === 'force-app/main/default/connectedApps/sfjwt_uat.connectedApp-meta.xml')!;
    const xml = checkXml(app.content);
    expect(xml.root).toBe('ConnectedApp');
    expect(xml.text.certificate).toEqual([CERT.trim()]);
    expect(xml.text.isAdminApproved).toEqual(['true']);
    expect(xml.text.profileName).toEqual(['Minimum Access - API Only Integrations']);
    expect(checkXml(files.find((f) => f.path === 'package.xml')!.content).text.name).toEqual(['ConnectedApp']);
    expect(files.find((f) => f.path === 'README.md')!.content).toMatch(/blocked since Spring '26/);
    expect(app.content).toContain("Spring '26");
  });
});

describe('--include-key', () => {
  it.each(FORMAT_IDS.filter((id) => formatSpec(id).kind === 'file'))('%s carries the key as base64 on one line, 0600/0700', (id) => {
    const keyBase64 = Buffer.from(keyPem).toString('base64');
    const files = renderAll(id, { ...production, keyBase64 });
    expect(files[0]!.content).toContain(keyBase64);
    expect(files[0]!.content).not.toContain(keyBody.slice(0, 40)); // never the raw PEM body
    expect(files[0]!.mode).toBe(formatSpec(id).script ? 0o700 : 0o600);
  });

  it('file modes: 0644, scripts 0755', () => {
    expect(fileMode({ script: false }, false)).toBe(0o644);
    expect(fileMode({ script: true }, false)).toBe(0o755);
    expect(renderAll('curl', production)[0]!.mode).toBe(0o755);
  });
});

describe('values', () => {
  it('workingPair: the remembered pair, else the fixed audience, else the likely pair for the app kind', () => {
    const loginUrl = 'https://acme.my.salesforce.com';
    const base = { login: normalizeLoginUrl(loginUrl), orgKind: 'production' as const };
    expect(workingPair({ ...base, appKind: 'eca', remembered: { login: base.login, audience: 'https://login.salesforce.com' } })).toEqual({
      endpoint: loginUrl,
      audience: 'https://login.salesforce.com',
      source: 'verified',
    });
    expect(workingPair({ ...base, appKind: 'eca', fixedAudience: 'https://login.salesforce.com' })).toEqual({
      endpoint: loginUrl,
      audience: 'https://login.salesforce.com',
      source: 'fixed',
    });
    expect(workingPair({ ...base, appKind: 'eca' })).toEqual({ endpoint: loginUrl, audience: loginUrl, source: 'default' });
    expect(workingPair({ ...base, appKind: 'connected-app' })).toEqual({ endpoint: loginUrl, audience: 'https://login.salesforce.com', source: 'default' });
    expect(workingPair({ login: normalizeLoginUrl('https://acme--uat.sandbox.my.salesforce.com'), orgKind: 'sandbox', appKind: 'connected-app' }).audience).toBe(
      'https://test.salesforce.com',
    );
  });

  it('app names are metadata API names; contact email drops a sandbox suffix', () => {
    expect(appNameFor('acme-uat.2')).toBe('sfjwt_acme_uat_2');
    expect(appNameFor(undefined)).toBe('sfjwt_integration');
    expect(appNameFor('x'.repeat(60))).toHaveLength(40);
    expect(contactEmailFor('ops@acme.com.uat', 'uat')).toBe('ops@acme.com');
    expect(contactEmailFor('ops@acme.com', undefined)).toBe('ops@acme.com');
  });

  it('an unknown format is a usage error listing the formats', () => {
    expect(() => formatSpec('yaml')).toThrow(/unknown export format "yaml"/);
  });
});
