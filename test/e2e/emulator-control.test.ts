import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';
import { makeKeyFiles, type KeyFiles } from '../helpers/fixtures.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const USER = 'integration@acme.com';
const CLIENT_ID = '3MVG9controlClientId';
let dir: string;
let keys: KeyFiles;
let placeholder: KeyFiles;
let child: ChildProcess;
let url: string;

beforeAll(async () => {
  dir = await makeTempDir();
  keys = await makeKeyFiles(path.join(dir, 'keys'));
  placeholder = await makeKeyFiles(path.join(dir, 'placeholder'));
  child = spawn(process.execPath, [BIN, 'emulator', '--client-id', CLIENT_ID, '--cert', placeholder.certPath, '--username', USER], {
    env: { PATH: process.env.PATH, CI: '1', NO_COLOR: '1' },
  });
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
      if (match) resolve(match[0]);
    });
    child.on('exit', () => reject(new Error('emulator exited')));
  });
});
afterAll(async () => {
  child.kill('SIGTERM');
  await fs.rm(dir, { recursive: true, force: true });
});

const control = async (name: string, body?: unknown) => {
  const res = await fetch(`${url}/__emulator/${name}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
};
const verify = () =>
  runCli(['verify', '--json', '--login-url', url, '--username', USER, '--client-id', CLIENT_ID, '--key', keys.keyPath], { env: { SFJWT_HOME: path.join(dir, 'home') } });

describe('a running `sfjwt emulator` is driven from another process through /__emulator/', () => {
  it('plays the certificate upload, a user change and a simulation, and shows what it received', async () => {
    expect((await verify()).json().error.code).toBe('invalid-assertion');

    expect(await control('certificate', { clientId: CLIENT_ID, certPem: keys.certPem, propagationSeconds: 0 })).toMatchObject({ status: 200 });
    expect((await verify()).code).toBe(0);

    await control('user', { username: USER, active: false });
    expect((await verify()).json().error.code).toBe('inactive-user');
    await control('user', { username: USER, active: true });

    await control('simulate', { html: true });
    expect((await verify()).json().error.code).toBe('not-token-endpoint');
    await control('simulate', { html: false });

    const log = await control('requests');
    expect(log.body.filter((r: { path: string }) => r.path === '/services/oauth2/token').length).toBeGreaterThanOrEqual(4);
  });

  it('refuses bad control requests with a reason', async () => {
    expect(await control('certificate', { clientId: CLIENT_ID, certPem: 'nope' })).toMatchObject({ status: 400 });
    expect(await control('simulate', { warp: 9 })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/warp/) } });
    expect(await control('nonsense', {})).toMatchObject({ status: 404 });
  });
});
