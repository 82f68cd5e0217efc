import fs from 'node:fs/promises';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import pty from 'node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { singleAppConfig, startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { BIN, ROOT } from '../helpers/cli.js';
import { makeKeyFiles } from '../helpers/fixtures.js';
import { makeTempDir, modeOf } from '../helpers/temp-dir.js';

/**
 * The wizard as a person uses it: the built CLI in a real pseudo-terminal (real @inquirer prompts,
 * raw-mode keys), against the emulator in this process. "Uploading the certificate" is the test
 * handing the generated server.crt to the emulator once the wizard prints its path.
 */
const USER = 'integration@pty.example';
/** As long as a key Salesforce generates (85 characters): a shorter one gets "use it anyway?". */
const CLIENT_ID = `3MVG9ptyWizardClientId_${'0123456789'.repeat(6)}ab`;
const DOWN = '\x1b[B';
const ENTER = '\r';
const CTRL_C = '\x03';
const ESC = '\x1b';
const WAIT_MS = 30_000;

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][0-9A-B]|\r/g;

class Terminal {
  private raw = '';
  private cursor = 0;
  private waiters: (() => void)[] = [];
  readonly exited: Promise<number>;
  private readonly proc: pty.IPty;

  constructor(args: string[], env: Record<string, string>, cols = 200) {
    this.proc = pty.spawn(process.execPath, [BIN, ...args], { name: 'xterm-256color', cols, rows: 60, cwd: ROOT, env });
    this.proc.onData((data) => {
      this.raw += data;
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.exited = new Promise((resolve) =>
      this.proc.onExit(({ exitCode }) => {
        resolve(exitCode);
        for (const wake of this.waiters.splice(0)) wake();
      }),
    );
  }

  get text(): string {
    return this.raw.replace(ANSI, '');
  }

  /** Everything the program wrote, escape sequences included. */
  get output(): string {
    return this.raw;
  }

  type(keys: string): void {
    this.proc.write(keys);
  }

  /** Waits until `pattern` appears after the last match; returns the match. Never sleeps blindly. */
  async expect(pattern: RegExp, timeoutMs = WAIT_MS): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    for (;;) {
      const rest = this.text.slice(this.cursor);
      const match = pattern.exec(rest);
      if (match) {
        this.cursor += match.index + match[0].length;
        return match;
      }
      if (exited || Date.now() > deadline) {
        throw new Error(`timed out waiting for ${pattern} (exited: ${exited}); output after the last match:\n${rest.slice(-3000)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for a prompt, then types the keys. */
  async answer(prompt: RegExp, keys: string): Promise<void> {
    await this.expect(prompt);
    this.proc.write(keys);
  }

  kill(): void {
    try {
      this.proc.kill();
    } catch {
      // already gone
    }
  }
}

let dir: string;
let emulator: RunningEmulator;
const terminals: Terminal[] = [];

beforeAll(async () => {
  dir = await makeTempDir();
  // Any certificate will do until the wizard's own is "uploaded".
  const placeholder = await makeKeyFiles(path.join(dir, 'placeholder'));
  emulator = await startEmulator(singleAppConfig({ clientId: CLIENT_ID, certPem: placeholder.certPem, username: USER, app: 'eca' }), { port: 0 });
});
afterAll(async () => {
  for (const t of terminals) t.kill();
  await emulator.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

function start(home: string, args: string[], cols?: number): Terminal {
  // No CI: the wizard is interactive only on a terminal outside CI.
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, TERM: 'xterm-256color', SFJWT_HOME: home };
  const terminal = new Terminal(args, env, cols);
  terminals.push(terminal);
  return terminal;
}

/** Org and key questions of a fresh run; returns the certificate path and fingerprint the wizard printed. */
async function answerOrgAndKey(t: Terminal): Promise<{ certPath: string; fingerprint: string }> {
  // Third choice down from Production: Developer Edition (its description shows once it is active).
  await t.answer(/\? What kind of org/, DOWN + DOWN + DOWN);
  await t.answer(/develop\.my\.salesforce\.com/, ENTER);
  await t.answer(/\? My Domain URL/, emulator.url + ENTER);
  await t.answer(/\? Run-as username/, USER + ENTER);
  await t.answer(/\? Key pair/, ENTER);
  const cert = await t.expect(/Certificate\s+(\/\S+server\.crt)/);
  const fingerprint = await t.expect(/SHA-256\s+([0-9A-F:]{95})/);
  return { certPath: cert[1]!, fingerprint: fingerprint[1]! };
}

/** "Uploads" the certificate: the emulated app now holds it, effective at once. */
async function upload(certPath: string): Promise<void> {
  emulator.replaceCertificate(CLIENT_ID, await fs.readFile(certPath, 'utf8'), { propagationSeconds: 0 });
}

async function answerAppQuestions(t: Terminal): Promise<void> {
  await t.answer(/\? Which kind of app/, ENTER);
  await t.answer(/\? External Client App name/, ENTER);
  await t.answer(/\? Contact email/, ENTER);
}

async function finishManualSteps(t: Terminal, from: 'app' | 'policies'): Promise<void> {
  if (from === 'app') await t.answer(/\? Create the External Client App: done\?/, ENTER);
  await t.answer(/\? Set the app's policies: done\?/, ENTER);
  await t.answer(/\? Profile or permission set/, ENTER);
  await t.answer(/\? Give the run-as user access to the app: done\?/, ENTER);
  await t.answer(/\? Copy the consumer key: done\?/, ENTER);
  await t.answer(/\? Consumer Key/, CLIENT_ID + ENTER);
}

describe('sfjwt init in a real pseudo-terminal', () => {
  it('walks the whole wizard with typed answers and arrow keys, verifies, and saves the profile and files', async () => {
    const home = path.join(dir, 'home-full');
    const t = start(home, ['init', '-a', 'pty', '--no-open']);
    const { certPath, fingerprint } = await answerOrgAndKey(t);
    expect(certPath).toBe(path.join(home, 'keys', 'pty', 'server.crt'));
    await upload(certPath);
    await answerAppQuestions(t);
    await t.expect(new RegExp(`Upload Files → choose the certificate: ${certPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    await finishManualSteps(t, 'app');
    await t.expect(/Verified: JWT bearer login works\./);
    expect(await t.exited).toBe(0);

    const profile = JSON.parse(await fs.readFile(path.join(home, 'config.json'), 'utf8')).profiles.pty;
    expect(profile).toMatchObject({
      alias: 'pty', orgKind: 'developer', loginUrl: emulator.url, username: USER, clientId: CLIENT_ID, appKind: 'eca',
      keyPath: path.join(home, 'keys', 'pty', 'server.key'), certPath, audience: emulator.url,
      lastVerified: { organizationId: expect.stringMatching(/^00D/) },
    });
    expect(await modeOf(path.join(home, 'config.json'))).toBe(0o600);
    expect(await modeOf(profile.keyPath)).toBe(0o600);
    expect(await modeOf(certPath)).toBe(0o644);
    expect(new X509Certificate(await fs.readFile(certPath)).fingerprint256.toUpperCase()).toBe(fingerprint);
    await expect(fs.stat(path.join(home, 'progress', 'pty.json'))).rejects.toThrow();
  }, 120_000);

  it('Ctrl-C midway exits 130 keeping the keys; the rerun continues and reuses them', async () => {
    const home = path.join(dir, 'home-resume');
    const first = start(home, ['init', '-a', 'again', '--no-open']);
    const { certPath, fingerprint } = await answerOrgAndKey(first);
    await upload(certPath);
    await answerAppQuestions(first);
    await first.answer(/\? Create the External Client App: done\?/, CTRL_C);
    await first.expect(/Cancelled\. Kept .*server\.key/);
    expect(await first.exited).toBe(130);
    expect(await fs.stat(path.join(home, 'config.json')).catch(() => null)).toBeNull();

    const second = start(home, ['init', '-a', 'again', '--no-open']);
    await second.expect(/Saved answers for "again" from an earlier run:/);
    await second.expect(/run-as username +integration@pty\.example/);
    await second.answer(/\? Continue with these answers\?/, ENTER);
    await second.expect(/Reusing the key pair generated earlier/);
    const shown = await second.expect(/SHA-256 +([0-9A-F:]{95})/);
    expect(shown[1]).toBe(fingerprint);
    await answerAppQuestions(second);
    await finishManualSteps(second, 'app');
    await second.expect(/Verified: JWT bearer login works\./);
    expect(await second.exited).toBe(0);
    expect(new X509Certificate(await fs.readFile(certPath)).fingerprint256.toUpperCase()).toBe(fingerprint);
    const profile = JSON.parse(await fs.readFile(path.join(home, 'config.json'), 'utf8')).profiles.again;
    expect(profile).toMatchObject({ orgKind: 'developer', certPath, lastVerified: { organizationId: expect.any(String) } });
  }, 120_000);

  it('at 60 columns: instructions wrapped at spaces, details on request, Escape at the policies back to the app\'s instructions', async () => {
    const home = path.join(dir, 'home-narrow');
    const t = start(home, ['init', '-a', 'narrow', '--no-open', '--no-verify'], 60);
    const { certPath } = await answerOrgAndKey(t);
    await answerAppQuestions(t);
    await t.expect(/\? Create the External Client App: done\?/);
    // The block as printed: no line wider than the terminal unless it is one unbreakable word.
    const block = t.text.slice(t.text.lastIndexOf('Create the External Client App\n'), t.text.lastIndexOf('? Create the External Client App: done?'));
    for (const line of block.split('\n')) if (line.length > 59) expect(line.trim(), line).not.toContain(' ');
    expect(block).toContain(certPath);
    expect(block).not.toContain('required by the form');
    // "Show details" is the second choice: the reasons appear, still wrapped.
    t.type(DOWN + ENTER);
    await t.expect(/required by the form, never used by the JWT\s+bearer\s+flow/);
    await t.answer(/\? Create the External Client App: done\?/, ENTER);
    await t.answer(/\? Set the app's policies: done\?/, ESC);
    // Escape from the policies lands on the app's instructions (not the app-kind question).
    await t.expect(/\? Create the External Client App: done\?/);
    expect(t.text.slice(t.text.lastIndexOf("Set the app's policies: done?"))).not.toMatch(/Which kind of app/);
    t.type(ENTER);
    await finishManualSteps(t, 'policies');
    await t.expect(/Saved profile "narrow"/);
    expect(await t.exited).toBe(0);
  }, 120_000);

  it('the propagation wait: keys typed meanwhile are not echoed, and no spinner line is left behind', async () => {
    const home = path.join(dir, 'home-wait');
    const t = start(home, ['init', '-a', 'wait', '--no-open', '--wait', '60']);
    const { certPath } = await answerOrgAndKey(t);
    // The new certificate takes effect 2 s from now: the first try fails and the wizard waits.
    emulator.replaceCertificate(CLIENT_ID, await fs.readFile(certPath, 'utf8'), { propagationSeconds: 2 });
    await answerAppQuestions(t);
    await finishManualSteps(t, 'app');
    await t.expect(/Retrying in \d+ s/);
    t.type('zzz' + ENTER);
    await t.expect(/Verified: JWT bearer login works\./);
    expect(await t.exited).toBe(0);
    expect(t.output).not.toContain('zzz');
    // Each spinner frame is erased (\r + erase line) before anything moves to the next line.
    const raw = t.output;
    for (let at = raw.indexOf('Retrying in'); at >= 0; at = raw.indexOf('Retrying in', at + 1)) {
      const lineEnd = raw.indexOf('\n', at);
      expect(raw.slice(at, lineEnd)).toContain('\r\x1b[2K');
    }
  }, 120_000);
});
