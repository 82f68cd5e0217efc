import { beforeAll, describe, expect, it } from 'vitest';
import { revokeTokens, setUserActive, updateApp, updateUser } from '../../../src/emulator/state.js';
import {
  BASE,
  baseConfig,
  body,
  get,
  login,
  makeKeyPair,
  makeState,
  ORG_ID,
  send,
  T0,
  USER_ID,
  USERNAME,
  type KeyPair,
} from './fixtures.js';

let keys: KeyPair;
beforeAll(() => {
  keys = makeKeyPair();
});

const INVALID_SESSION = [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }];
const q = (soql: string, version = '66.0', tooling = false) =>
  `/services/data/v${version}/${tooling ? 'tooling/' : ''}query?q=${encodeURIComponent(soql)}`;

function setup(patch?: Parameters<typeof baseConfig>[1]) {
  const state = makeState(baseConfig(keys.publicPem, patch));
  const token = login(state, keys.privateKey);
  return { state, token };
}

describe('authentication of resources', () => {
  it.each([
    ['no token', undefined],
    ['an unknown token', '00D000000000001!AQnope'],
  ])('%s gets 401 INVALID_SESSION_ID', (_name, token) => {
    const { state } = setup();
    for (const path of [`/id/${ORG_ID}/${USER_ID}`, '/services/oauth2/userinfo', '/services/data/v66.0/', '/services/data/v66.0/limits']) {
      const response = send(state, get(path, token));
      expect(response.status).toBe(401);
      expect(body(response)).toEqual(INVALID_SESSION);
    }
  });

  it('a token expires after two hours', () => {
    const { state, token } = setup();
    const almost = new Date(T0.getTime() + 7_199_000);
    expect(send(state, get('/services/oauth2/userinfo', token), almost).status).toBe(200);
    const response = send(state, get('/services/oauth2/userinfo', token), new Date(T0.getTime() + 7_200_000));
    expect(response.status).toBe(401);
    expect(body(response)).toEqual(INVALID_SESSION);
  });

  it('deactivating the user or revoking ends the session', () => {
    const a = setup();
    setUserActive(a.state, USERNAME, false);
    expect(send(a.state, get('/services/oauth2/userinfo', a.token)).status).toBe(401);
    const b = setup();
    revokeTokens(b.state);
    expect(send(b.state, get('/services/oauth2/userinfo', b.token)).status).toBe(401);
  });

  it('accepts the "OAuth <token>" scheme too', () => {
    const { state, token } = setup();
    expect(send(state, { method: 'GET', path: '/services/data/v66.0/', headers: { authorization: `OAuth ${token}` }, body: '' }).status).toBe(200);
  });
});

describe('identity URL and userinfo', () => {
  it('serves the identity URL from the token response', () => {
    const { state, token } = setup();
    const response = send(state, get(`/id/${ORG_ID}/${USER_ID}`, token));
    expect(response.status).toBe(200);
    const id = body<Record<string, unknown> & { urls: Record<string, string> }>(response);
    expect(id).toMatchObject({
      id: `${BASE}/id/${ORG_ID}/${USER_ID}`,
      asserted_user: true,
      user_id: USER_ID,
      organization_id: ORG_ID,
      username: USERNAME,
      display_name: 'Integration User',
      email: 'ops@acme.com',
      first_name: 'Integration',
      last_name: 'User',
      active: true,
      user_type: 'STANDARD',
      is_app_installed: true,
    });
    expect(id.urls.rest).toBe(`${BASE}/services/data/v{version}/`);
    expect(id.urls.query).toBe(`${BASE}/services/data/v{version}/query/`);
    expect(id.urls.enterprise).toBe(`${BASE}/services/Soap/c/{version}/00D000000000001`);
    expect(id.urls.custom_domain).toBe(BASE);
  });

  it('fills the {version} placeholders from ?version=', () => {
    const { state, token } = setup();
    const id = body<{ urls: Record<string, string> }>(send(state, get(`/id/${ORG_ID}/${USER_ID}?version=62.0`, token)));
    expect(id.urls.rest).toBe(`${BASE}/services/data/v62.0/`);
  });

  it('serves a login page at the root, like a My Domain', () => {
    const { state } = setup();
    const response = send(state, get('/'));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
  });

  it("refuses another user's identity URL", () => {
    const { state, token } = setup();
    expect(send(state, get(`/id/${ORG_ID}/005000000000002AAA`, token)).status).toBe(403);
  });

  it('serves userinfo in the OIDC shape (GET and POST)', () => {
    const { state, token } = setup();
    const response = send(state, get('/services/oauth2/userinfo', token));
    expect(body(response)).toMatchObject({
      sub: `${BASE}/id/${ORG_ID}/${USER_ID}`,
      user_id: USER_ID,
      organization_id: ORG_ID,
      preferred_username: USERNAME,
      name: 'Integration User',
      given_name: 'Integration',
      family_name: 'User',
      email: 'ops@acme.com',
      active: true,
    });
    const post = send(state, { method: 'POST', path: '/services/oauth2/userinfo', headers: { authorization: `Bearer ${token}` }, body: '' });
    expect(post.status).toBe(200);
  });
});

describe('REST API', () => {
  it('lists API versions without authentication, up to 66.0', () => {
    const { state } = setup();
    const versions = body<Array<{ label: string; url: string; version: string }>>(send(state, get('/services/data/')));
    expect(versions.at(-1)).toEqual({ label: "Spring '26", url: '/services/data/v66.0', version: '66.0' });
    expect(versions.find((v) => v.version === '64.0')?.label).toBe("Summer '25");
    expect(versions.find((v) => v.version === '65.0')?.label).toBe("Winter '26");
    expect(versions[0]).toEqual({ label: "Summer '14", url: '/services/data/v31.0', version: '31.0' });
  });

  it('serves the resource map and limits with an api-usage header', () => {
    const { state, token } = setup();
    const map = send(state, get('/services/data/v66.0/', token));
    expect(map.status).toBe(200);
    expect(body(map)).toMatchObject({ query: '/services/data/v66.0/query', limits: '/services/data/v66.0/limits', sobjects: '/services/data/v66.0/sobjects' });
    expect(map.headers['sforce-limit-info']).toMatch(/^api-usage=\d+\/15000$/);
    const limits = body<Record<string, { Max: number; Remaining: number }>>(send(state, get('/services/data/v66.0/limits', token)));
    expect(limits.DailyApiRequests?.Max).toBe(15000);
    expect(limits.DailyApiRequests!.Remaining).toBeLessThan(15000);
  });

  it('an unknown version or resource is 404 NOT_FOUND', () => {
    const { state, token } = setup();
    expect(send(state, get('/services/data/v99.0/', token)).status).toBe(404);
    const response = send(state, get('/services/data/v66.0/nothing', token));
    expect(response.status).toBe(404);
    expect(body(response)).toEqual([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
  });

  it('a user without API Enabled gets 403 API_DISABLED_FOR_ORG on data resources, but identity works', () => {
    const { state, token } = setup();
    updateUser(state, USERNAME, { apiEnabled: false });
    const response = send(state, get(q('SELECT Id FROM Organization'), token));
    expect(response.status).toBe(403);
    expect(body(response)).toEqual([{ errorCode: 'API_DISABLED_FOR_ORG', message: 'The REST API is not enabled for this Organization.' }]);
    expect(send(state, get(`/id/${ORG_ID}/${USER_ID}`, token)).status).toBe(200);
  });

  it('a token without the api scope cannot use the REST API', () => {
    const state = makeState(baseConfig(keys.publicPem));
    updateApp(state, baseConfig('').apps[0]!.clientId, { scopes: ['id', 'openid'] });
    const token = login(state, keys.privateKey);
    const response = send(state, get('/services/data/v66.0/', token));
    expect(response.status).toBe(401);
    expect(send(state, get('/services/oauth2/userinfo', token)).status).toBe(200);
  });

  it('retrieves a User record by id', () => {
    const { state, token } = setup();
    const response = send(state, get(`/services/data/v51.0/sobjects/User/${USER_ID}`, token));
    expect(body(response)).toMatchObject({ attributes: { type: 'User' }, Id: USER_ID, Username: USERNAME });
  });
});

describe('SOQL queries', () => {
  it('answers the Organization query with Salesforce record attributes', () => {
    const { state, token } = setup((c) => (c.org.instanceName = 'NA42'));
    const soql = 'SELECT Id, Name, IsSandbox, InstanceName, OrganizationType, TrialExpirationDate, NamespacePrefix FROM Organization';
    const response = send(state, get(q(soql), token));
    expect(response.status).toBe(200);
    expect(body(response)).toEqual({
      totalSize: 1,
      done: true,
      records: [
        {
          attributes: { type: 'Organization', url: `/services/data/v66.0/sobjects/Organization/${ORG_ID}` },
          Id: ORG_ID,
          Name: 'Acme',
          IsSandbox: false,
          InstanceName: 'NA42',
          OrganizationType: 'Developer Edition',
          TrialExpirationDate: null,
          NamespacePrefix: null,
        },
      ],
    });
  });

  it("answers the sf CLI's own queries, double slash and field case included (a Dev Hub)", () => {
    const { state, token } = setup((c) => (c.org.isDevHub = true));
    const ns = send(state, get('//services/data/v51.0/query?q=Select%20Namespaceprefix%20FROM%20Organization', token));
    expect(body(ns)).toMatchObject({ totalSize: 1, records: [{ NamespacePrefix: null }] });
    const hub = send(state, get('//services/data/v51.0/query?q=SELECT%20Id%20FROM%20ScratchOrgInfo%20limit%201', token));
    expect(hub.status).toBe(200);
    expect(body(hub)).toEqual({ totalSize: 0, done: true, records: [] });
    const sbx = send(
      state,
      get(q("SELECT Id, Status, SandboxName, SandboxInfoId, LicenseType, CreatedDate, CopyProgress, SandboxOrganization, SourceId, Description, EndDate FROM SandboxProcess WHERE SandboxOrganization ='00D000000000001' AND Status NOT IN ('D', 'E')", '66.0', true), token),
    );
    expect(sbx.status).toBe(200);
    expect(body(sbx)).toEqual({ size: 0, totalSize: 0, done: true, queryLocator: null, entityTypeName: null, records: [] });
  });

  it('sorts by the first ORDER BY key, ASC or DESC, before LIMIT; an unknown sort field is INVALID_FIELD', () => {
    const { state, token } = setup((c) => c.users.push({ username: 'aaa@acme.com', userId: '005000000000009AAA', displayName: 'A A', email: 'aaa@acme.com', active: true }));
    const names = (soql: string) => body<{ records: Array<{ Username: string }> }>(send(state, get(q(soql), token))).records.map((r) => r.Username);
    const all = names('SELECT Username FROM User ORDER BY Username');
    expect(all).toEqual([...all].sort());
    expect(names('SELECT Username FROM User ORDER BY Username DESC NULLS LAST, Id LIMIT 1')).toEqual([[...all].sort().at(-1)]);
    expect(names('SELECT Username FROM User ORDER BY Username ASC LIMIT 1')).toEqual(['aaa@acme.com']);
    const bad = send(state, get(q('SELECT Username FROM User ORDER BY Nope'), token));
    expect(body<Array<{ errorCode: string }>>(bad)[0]?.errorCode).toBe('INVALID_FIELD');
  });

  it('ScratchOrgInfo is INVALID_TYPE in an org that is not a Dev Hub, which is the default (sf org list shows no DevHub)', () => {
    const { state, token } = setup();
    const response = send(state, get(q('SELECT Id FROM ScratchOrgInfo limit 1'), token));
    expect(response.status).toBe(400);
    expect(body<Array<{ errorCode: string }>>(response)[0]?.errorCode).toBe('INVALID_TYPE');
  });

  it.each([
    [`SELECT Id, Username, Name FROM User WHERE Id = '${USER_ID}'`],
    [`SELECT Id, Username, Name FROM User WHERE Id='${USER_ID.slice(0, 15)}'`],
    [`select id, username, name from user where username = '${USERNAME.toUpperCase()}' limit 1`],
  ])('finds the run-as user: %s', (soql) => {
    const { state, token } = setup();
    const result = body<{ totalSize: number; records: Array<Record<string, unknown>> }>(send(state, get(q(soql), token)));
    expect(result.totalSize).toBe(1);
    expect(result.records[0]).toEqual({
      attributes: { type: 'User', url: `/services/data/v66.0/sobjects/User/${USER_ID}` },
      Id: USER_ID,
      Username: USERNAME,
      Name: 'Integration User',
    });
  });

  it('supports COUNT() and filters that match nothing', () => {
    const { state, token } = setup();
    expect(body(send(state, get(q('SELECT COUNT() FROM User'), token)))).toEqual({ totalSize: 2, done: true, records: [] });
    expect(body(send(state, get(q("SELECT Id FROM User WHERE Username = 'nobody@x.com'"), token)))).toMatchObject({ totalSize: 0, records: [] });
    expect(body(send(state, get(q('SELECT Id FROM User WHERE IsActive = true AND Id != null'), token)))).toMatchObject({ totalSize: 2 });
  });

  it.each([
    ['MALFORMED_QUERY', 'DELETE FROM User'],
    ['MALFORMED_QUERY', "SELECT Id FROM User WHERE Name LIKE 'x%'"],
    ['MALFORMED_QUERY', 'SELECT Id FROM User GARBAGE'],
    ['INVALID_TYPE', 'SELECT Id FROM Account'],
    ['INVALID_FIELD', 'SELECT Foo FROM Organization'],
  ])('answers 400 %s for %s', (code, soql) => {
    const { state, token } = setup();
    const response = send(state, get(q(soql), token));
    expect(response.status).toBe(400);
    const [error] = body<Array<{ errorCode: string; message: string }>>(response);
    expect(error?.errorCode).toBe(code);
    expect(error?.message).toBeTruthy();
  });

  it('answers the column metadata `sf data query` asks for (&columns=true)', () => {
    const { state, token } = setup();
    const columns = body<{ columnMetadata: Array<{ columnName: string }>; entityName: string; idSelected: boolean }>(
      send(state, get(`${q('SELECT Id, Username FROM User')}&columns=true`, token)),
    );
    expect(columns).toMatchObject({ entityName: 'User', idSelected: true });
    expect(columns.columnMetadata.map((c) => c.columnName)).toEqual(['Id', 'Username']);
    expect(send(state, get(`${q('SELECT Foo FROM User')}&columns=true`, token)).status).toBe(400);
  });

  it('a query without q is MALFORMED_QUERY', () => {
    const { state, token } = setup();
    const response = send(state, get('/services/data/v66.0/query', token));
    expect(response.status).toBe(400);
    expect(body<Array<{ errorCode: string }>>(response)[0]?.errorCode).toBe('MALFORMED_QUERY');
  });

  it('counts successful API calls', () => {
    const { state, token } = setup();
    send(state, get('/services/data/v66.0/', token));
    send(state, get('/services/data/v66.0/nothing', token));
    send(state, get(`/id/${ORG_ID}/${USER_ID}`, token));
    expect(state.counters.apiCalls).toBe(2);
    expect(state.requests.at(-2)).toMatchObject({ status: 404, error: 'NOT_FOUND' });
  });
});
