import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { apiName, certificatePackage, chooseConsumerKey, CONSUMER_KEY_LENGTH, ecaPackage, parseApiName, permissionSetName } from '../../../src/admin/metadata.js';
import { validateClientId } from '../../../src/core/credentials.js';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
const input = {
  appName: 'sfjwt_prod',
  contactEmail: 'admin@acme.com',
  username: 'ci<&>@acme.com',
  certificatePem: CERT,
  consumerKey: 'K'.repeat(85),
  permissionSet: 'sfjwt_prod',
};

describe('ECA metadata', () => {
  const pkg = ecaPackage(input, new Date('2026-01-02T03:04:05Z'));
  const files = Object.fromEntries(Object.entries(unzipSync(pkg.zip)).map(([p, bytes]) => [p, strFromU8(bytes)]));

  it('zips package.xml, the five ECA components and the permission set under their Metadata API folders', () => {
    expect(Object.keys(files).sort()).toEqual([
      'externalClientApps/sfjwt_prod.eca',
      'extlClntAppGlobalOauthSets/sfjwt_prodGlblOAuth.ecaGlblOauth',
      'extlClntAppOauthPolicies/sfjwt_prodOAuthSettings_defaultPolicy.ecaOauthPlcy',
      'extlClntAppOauthSettings/sfjwt_prodOAuthSettings.ecaOauth',
      'extlClntAppPolicies/sfjwt_prod_defaultPolicy.ecaPlcy',
      'package.xml',
      'permissionsets/sfjwt_prod.permissionset',
    ]);
    expect(pkg.components.map((c) => c.type)).toEqual([
      'PermissionSet', 'ExternalClientApplication', 'ExtlClntAppOauthSettings', 'ExtlClntAppGlobalOauthSettings',
      'ExtlClntAppOauthConfigurablePolicies', 'ExtlClntAppConfigurablePolicies',
    ]);
    expect(files['package.xml']).toContain('<members>sfjwt_prodGlblOAuth</members>\n        <name>ExtlClntAppGlobalOauthSettings</name>');
    expect(files['package.xml']).toContain('<name>PermissionSet</name>');
    expect(files['package.xml']).toMatch(/<version>\d+\.0<\/version>/);
  });

  it('holds the certificate and the chosen key, JWT-format tokens off, admin-approved with the permission set', () => {
    const global = files['extlClntAppGlobalOauthSets/sfjwt_prodGlblOAuth.ecaGlblOauth']!;
    expect(global).toContain(`<certificate>${CERT.trim()}</certificate>`);
    expect(global).toContain(`<consumerKey>${'K'.repeat(85)}</consumerKey>`);
    expect(global).toContain('<isNamedUserJwtEnabled>false</isNamedUserJwtEnabled>');
    const policy = files['extlClntAppOauthPolicies/sfjwt_prodOAuthSettings_defaultPolicy.ecaOauthPlcy']!;
    expect(policy).toContain('<permittedUsersPolicyType>AdminApprovedPreAuthorized</permittedUsersPolicyType>');
    expect(policy).toContain('<commaSeparatedPermissionSet>sfjwt_prod</commaSeparatedPermissionSet>');
    expect(files['extlClntAppPolicies/sfjwt_prod_defaultPolicy.ecaPlcy']).toContain('<isEnabled>true</isEnabled>');
  });

  it('escapes values for XML', () => {
    expect(files['externalClientApps/sfjwt_prod.eca']).toContain('ci&lt;&amp;&gt;@acme.com');
    expect(() => ecaPackage({ ...input, contactEmail: 'a\u0001@b.c' }, new Date())).toThrow(/XML cannot hold/);
  });

  it('is reproducible for the same input and time', () => {
    expect(ecaPackage(input, new Date('2026-01-02T03:04:05Z')).zip).toEqual(pkg.zip);
  });
});

describe('names and keys', () => {
  it('makes API names from aliases, and refuses a bad --app-name instead of changing it', () => {
    expect(permissionSetName('acme-uat.v2')).toBe('sfjwt_acme_uat_v2');
    expect(apiName('9--x__y_')).toBe('x_y');
    expect(parseApiName('My_App1', '--app-name')).toBe('My_App1');
    expect(() => parseApiName('my app', '--app-name')).toThrow(/single underscores/);
    expect(() => parseApiName('a__b', '--app-name')).toThrow();
  });

  it('chooses an 85-character letters-and-digits consumer key from the injected random source', () => {
    let n = 0;
    const counting = (size: number) => Uint8Array.from({ length: size }, () => n++ % 256);
    const key = chooseConsumerKey(counting);
    expect(key).toHaveLength(CONSUMER_KEY_LENGTH);
    expect(key).toMatch(/^[A-Za-z0-9]+$/);
    expect(validateClientId(key, 'test')).toBe(key);
  });

  it('a certificate redeploy carries the two OAuth settings components exactly as init renders them, and no policy', () => {
    const cert = certificatePackage(input, new Date('2026-01-02T03:04:05Z'));
    expect(cert.files.map((f) => f.path)).toEqual(['package.xml', 'extlClntAppOauthSettings/sfjwt_prodOAuthSettings.ecaOauth', 'extlClntAppGlobalOauthSets/sfjwt_prodGlblOAuth.ecaGlblOauth']);
    const whole = Object.fromEntries(ecaPackage(input, new Date()).files.map((f) => [f.path, f.content]));
    for (const f of cert.files.slice(1)) expect(f.content).toBe(whole[f.path]);
    expect(cert.files[0]!.content).not.toMatch(/Polic|PermissionSet|<name>ExternalClientApplication</);
  });
});
