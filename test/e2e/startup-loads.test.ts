// What a successful `sfjwt verify` loads (SPEC §9 start-up budget): every built-in or vendored
// bundle loaded on the way costs start-up time, so the ones verify never needs must stay unloaded.
// A preload (NODE_OPTIONS=--require) records what the real CLI process loaded when it exits.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { singleAppConfig, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli.js';
import { makeKeyFiles, type KeyFiles } from '../helpers/fixtures.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const CLIENT_ID = '3MVG9startupLoadsTest';
const USER = 'loads@acme.com';

let dir: string;
let keys: KeyFiles;
let emulator: RunningEmulator;

beforeAll(async () => {
  dir = await makeTempDir();
  keys = await makeKeyFiles(path.join(dir, 'keys'));
  emulator = await startEmulator(singleAppConfig({ clientId: CLIENT_ID, certPem: keys.certPem, username: USER }), { port: 0 });
});

afterAll(async () => {
  await emulator.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

async function loadsOfVerify(env: Record<string, string | undefined> = {}): Promise<{ builtins: string[]; files: string[] }> {
  const report = path.join(dir, `loads-${Date.now()}-${Math.random().toString(16).slice(2)}.json`);
  const preload = path.join(dir, 'record-loads.cjs');
  await fs.writeFile(
    preload,
    `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify({
      builtins: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length)),
      files: Object.keys(require.cache),
    })));\n`,
  );
  const run = await runCli(['verify', '--login-url', emulator.url, '--username', USER, '--client-id', CLIENT_ID, '--key', keys.keyPath], {
    env: { HOME: dir, SFJWT_HOME: path.join(dir, 'home'), NODE_OPTIONS: `--require ${preload}`, ...env },
  });
  expect(run.stdout).toMatch(/Verified: JWT bearer login works/);
  expect(run.code).toBe(0);
  return JSON.parse(await fs.readFile(report, 'utf8')) as { builtins: string[]; files: string[] };
}

describe('a successful verify loads only what it uses', () => {
  it('no node:http (its own HTTP/1.1 over node:net), os (HOME says where home is), child_process, fs/promises, worker_threads or zlib', async () => {
    const { builtins } = await loadsOfVerify();
    expect(builtins).toEqual(expect.arrayContaining(['crypto', 'net', 'vm']));
    for (const unused of ['http', 'https', 'tls', 'os', 'child_process', 'fs/promises', 'worker_threads', 'zlib', 'readline', 'tty']) {
      expect(builtins, unused).not.toContain(unused);
    }
  });

  it('none of the vendored bundles (node-forge, undici, the prompts, open)', async () => {
    const { files } = await loadsOfVerify();
    expect(files.some((file) => file.endsWith(path.join('bin', 'sfjwt.cjs')))).toBe(true);
    expect(files.filter((file) => file.includes(`${path.sep}vendor${path.sep}`))).toEqual([]);
  });

  it('still finds the home directory through node:os when HOME is unset', async () => {
    const { builtins } = await loadsOfVerify({ HOME: undefined, SFJWT_HOME: undefined, XDG_CONFIG_HOME: path.join(dir, 'xdg') });
    expect(builtins).toContain('os');
  });
});
