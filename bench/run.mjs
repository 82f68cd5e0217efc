#!/usr/bin/env node
// `npm run bench`: SPEC §9 budgets as ratios against baselines measured side by side in this run,
// medians over several runs. NODE_EXTRA_CA_CERTS is unset for every child (it adds ~90 ms to each
// Node 20 start and would hide our own start-up cost).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'sfjwt.cjs');
// 41 pairs keep a start-up ratio's noise on a busy 2-core machine to a few hundredths; the slower
// measures cap their own count (key generation 21, doctor --all 9).
const runs = Number(process.env.BENCH_RUNS ?? 41);
const env = { ...process.env, CI: '1', NO_COLOR: '1' };
delete env.NODE_EXTRA_CA_CERTS;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function time(command, args, extraEnv = {}) {
  const start = performance.now();
  const result = spawnSync(command, args, { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

/**
 * How far the ratio of medians moves when the same number of runs is drawn again: the 5th to 95th
 * percentile over bootstrap resamples (a fixed-seed generator, so one run's figures print the same).
 */
function ratioRange(a, b, resamples = 1000) {
  let seed = 0x2545f491;
  const random = () => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
  const draw = (values) => values.map(() => values[Math.floor(random() * values.length)]);
  const ratios = Array.from({ length: resamples }, () => median(draw(b)) / median(draw(a))).sort((x, y) => x - y);
  return [ratios[Math.floor(resamples * 0.05)], ratios[Math.floor(resamples * 0.95)]];
}

function summary(a, b) {
  return { baselineMs: median(a), ourMs: median(b), ratio: median(b) / median(a), range: ratioRange(a, b) };
}

/** Alternates baseline and candidate so machine load hits both alike. */
function compare(baseline, candidate, n = runs) {
  baseline();
  candidate();
  const a = [];
  const b = [];
  for (let i = 0; i < n; i++) {
    a.push(baseline());
    b.push(candidate());
  }
  return summary(a, b);
}

const rows = [];
// BENCH_ONLY=verify,doctor runs only those measures (names: version, help, generate, verify, doctor, footprint).
const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
const wanted = (name) => !only || only.includes(name);
function report(name, { baselineMs, ourMs, ratio, range }, budget, baselineName) {
  rows.push({ name, baselineName, baselineMs, ourMs, ratio, range, budget, ok: ratio <= budget });
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sfjwt-bench-'));
try {
  if (wanted('version')) report('sfjwt --version', compare(() => time(process.execPath, ['-e', '0']), () => time(process.execPath, [bin, '--version'])), 1.3, 'node -e 0');
  if (wanted('help')) report('sfjwt --help', compare(() => time(process.execPath, ['-e', '0']), () => time(process.execPath, [bin, '--help'])), Infinity, 'node -e 0');

  const genDir = path.join(tmp, 'gen');
  // The key pair the later measures use.
  time(process.execPath, [bin, 'cert', 'generate', '--out-dir', genDir, '--force']);
  if (wanted('generate')) report(
    'sfjwt cert generate (2048)',
    compare(
      () => time('openssl', ['req', '-x509', '-sha256', '-nodes', '-days', '730', '-newkey', 'rsa:2048', '-keyout', path.join(tmp, 'o.key'), '-out', path.join(tmp, 'o.crt'), '-subj', '/CN=bench']),
      () => time(process.execPath, [bin, 'cert', 'generate', '--out-dir', genDir, '--force']),
      Math.min(runs, 21),
    ),
    1.0,
    'openssl req -x509 -newkey rsa:2048',
  );

  // verify against the emulator, whole process, vs `sfjwt --version`.
  const { startEmulator, singleAppConfig } = await import(path.join(root, 'dist', 'emulator', 'index.js'));
  const keyPath = path.join(genDir, 'server.key');
  const certPem = fs.readFileSync(path.join(genDir, 'server.crt'), 'utf8');
  const emulator = await startEmulator(
    singleAppConfig({ clientId: '3MVG9benchClientId', certPem, username: 'bench@acme.com', simulate: { loginRateLimitPerHour: 1_000_000 } }),
    { port: 0 },
  );
  try {
    const home = path.join(tmp, 'home');
    const verifyArgs = [bin, 'verify', '--login-url', emulator.url, '--username', 'bench@acme.com', '--client-id', '3MVG9benchClientId', '--key', keyPath];
    // The emulator runs in this process, so the child must be spawned asynchronously for it to answer.
    const timeAsync = async (args) => {
      const { spawn } = await import('node:child_process');
      const start = performance.now();
      await new Promise((resolve, reject) => {
        const child = spawn(process.execPath, args, { env: { ...env, SFJWT_HOME: home }, stdio: 'ignore' });
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited ${code}`))));
      });
      return performance.now() - start;
    };
    const compareAsync = async (baseline, candidate, n = runs) => {
      await baseline();
      await candidate();
      const a = [];
      const b = [];
      for (let i = 0; i < n; i++) {
        a.push(await baseline());
        b.push(await candidate());
      }
      return summary(a, b);
    };
    if (wanted('verify')) report('sfjwt verify (emulator)', await compareAsync(() => timeAsync([bin, '--version']), () => timeAsync(verifyArgs)), 2.0, 'sfjwt --version');

    // doctor --all over 100 profiles vs one profile's doctor.
    if (wanted('doctor')) {
      const manyHome = path.join(tmp, 'many');
      fs.mkdirSync(manyHome, { recursive: true, mode: 0o700 });
      const profiles = {};
      for (let i = 0; i < 100; i++) {
        profiles[`p${i}`] = {
          loginUrl: emulator.url, username: 'bench@acme.com', clientId: '3MVG9benchClientId', keyPath, certPath: path.join(genDir, 'server.crt'),
          orgKind: 'production', appKind: 'eca', createdAt: new Date().toISOString(),
        };
      }
      fs.writeFileSync(path.join(manyHome, 'config.json'), JSON.stringify({ schemaVersion: 1, default: 'p0', profiles }), { mode: 0o600 });
      const { spawn } = await import('node:child_process');
      const spawn2 = (args, h) => spawn(process.execPath, args, { env: { ...env, SFJWT_HOME: h }, stdio: 'ignore' });
      const doctorOne = async () => {
        const start = performance.now();
        await new Promise((resolve) => {
          spawn2([bin, 'doctor', '-a', 'p0'], manyHome).on('exit', resolve);
        });
        return performance.now() - start;
      };
      const doctorAll = async () => {
        const start = performance.now();
        await new Promise((resolve) => {
          spawn2([bin, 'doctor', '--all'], manyHome).on('exit', resolve);
        });
        return performance.now() - start;
      };
      report('sfjwt doctor --all (100 profiles)', await compareAsync(doctorOne, doctorAll, Math.min(runs, 9)), 5.0, 'sfjwt doctor (1 profile)');
    }
  } finally {
    await emulator.stop();
  }

  // Production footprint: what `npm install sfjwt` puts on disk, the packages `npm install --omit=dev`
  // would bring plus sfjwt's own published files (package.json "files").
  if (wanted('footprint')) {
    const listed = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((p) => p && p !== root);
    const sizeOf = (p) => {
      const stat = fs.lstatSync(p);
      if (!stat.isDirectory()) return stat.size;
      return fs.readdirSync(p).reduce((sum, name) => (p.endsWith('node_modules') || name !== 'node_modules' ? sum + sizeOf(path.join(p, name)) : sum), 0);
    };
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const own = ['package.json', 'README.md', ...pkg.files].map((f) => path.join(root, f)).filter((f) => fs.existsSync(f));
    const bytes = [...listed, ...own].reduce((sum, p) => sum + sizeOf(p), 0);
    rows.push({ name: 'production install', baselineName: '15 MB budget', baselineMs: 15, ourMs: bytes / 1e6, ratio: bytes / 15e6, budget: 1, ok: bytes < 15e6, unit: 'MB' });
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

const pad = (s, n) => String(s).padEnd(n);
console.log(`sfjwt bench — node ${process.version}, ${os.cpus().length} cores, medians of ${runs} runs (key generation ${Math.min(runs, 21)}, doctor --all ${Math.min(runs, 9)}), NODE_EXTRA_CA_CERTS unset\n`);
console.log(`${pad('measure', 36)}${pad('ours', 12)}${pad('baseline', 12)}${pad('ratio', 9)}${pad('90% range', 13)}${pad('budget', 9)}baseline`);
for (const r of rows) {
  const unit = r.unit ?? 'ms';
  const range = r.range ? `${r.range[0].toFixed(2)}-${r.range[1].toFixed(2)}` : '';
  console.log(
    `${pad(r.name, 36)}${pad(`${r.ourMs.toFixed(unit === 'MB' ? 2 : 0)} ${unit}`, 12)}${pad(`${r.baselineMs.toFixed(0)} ${unit}`, 12)}${pad(`${r.ratio.toFixed(2)}x`, 9)}${pad(range, 13)}${pad(r.budget === Infinity ? '-' : `≤${r.budget}x`, 9)}${r.baselineName}${r.budget === Infinity ? '' : r.ok ? '  ok' : '  OVER'}`,
  );
}
console.log('\n90% range: how far the ratio moves when the runs are drawn again (bootstrap); the budget is checked on the ratio.');
process.exitCode = rows.every((r) => r.ok) ? 0 : 1;
