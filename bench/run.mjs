#!/usr/bin/env node
// `npm run bench`: SPEC §9 budgets as ratios against baselines measured side by side in this run,
// medians over several runs, on Node 22 and on the Node that runs this script (the machine's).
// NODE_EXTRA_CA_CERTS is unset for every child (it adds ~90 ms to each Node 20 start and would hide
// our own start-up cost). Node's compile cache goes to a folder of this run's, warmed first.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeBinary } from './node-versions.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'sfjwt.cjs');
// 41 pairs keep a start-up ratio's noise on a busy 2-core machine to a few hundredths. Key
// generation needs as many (a prime search takes a random time, on both sides); doctor --all caps at 9.
const runs = Number(process.env.BENCH_RUNS ?? 41);
// BENCH_ONLY=verify,doctor runs only those measures (names: version, help, generate, verify, doctor, footprint).
const only = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
const wanted = (name) => !only || only.includes(name);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sfjwt-bench-'));
const env = { ...process.env, CI: '1', NO_COLOR: '1', XDG_CACHE_HOME: path.join(tmp, 'cache') };
delete env.NODE_EXTRA_CA_CERTS;
delete env.NODE_COMPILE_CACHE;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** A whole process, timed; the emulator answers from this process, so children run asynchronously. */
function time(command, args, extraEnv = {}) {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...env, ...extraEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`))));
  });
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

/** Alternates baseline and candidate so machine load hits both alike; one warm-up run each. */
async function compare(baseline, candidate, n = runs) {
  await baseline();
  await candidate();
  const a = [];
  const b = [];
  for (let i = 0; i < n; i++) {
    a.push(await baseline());
    b.push(await candidate());
  }
  return { baselineMs: median(a), ourMs: median(b), ratio: median(b) / median(a), range: ratioRange(a, b) };
}

const rows = [];
function report(node, name, summary, budget, baselineName) {
  rows.push({ node, name, baselineName, ...summary, budget, ok: summary.ratio <= budget });
}

/** Every measure on one Node binary. */
async function measure(node, emulator, keyPath, certPath) {
  const label = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  const sfjwt = (...args) => time(node, [bin, ...args]);
  if (wanted('version')) report(label, 'sfjwt --version', await compare(() => time(node, ['-e', '0']), () => sfjwt('--version')), 1.3, 'node -e 0');
  if (wanted('help')) report(label, 'sfjwt --help', await compare(() => time(node, ['-e', '0']), () => sfjwt('--help')), Infinity, 'node -e 0');
  if (wanted('generate')) {
    const genDir = path.join(tmp, `gen-${label}`);
    report(
      label,
      'sfjwt cert generate (2048)',
      await compare(
        () => time('openssl', ['req', '-x509', '-sha256', '-nodes', '-days', '730', '-newkey', 'rsa:2048', '-keyout', path.join(tmp, 'o.key'), '-out', path.join(tmp, 'o.crt'), '-subj', '/CN=bench']),
        () => sfjwt('cert', 'generate', '--out-dir', genDir, '--force'),
        runs,
      ),
      1.5,
      'openssl req -x509 -newkey rsa:2048',
    );
  }
  const home = path.join(tmp, `home-${label}`);
  if (wanted('verify')) {
    const verifyArgs = ['verify', '--login-url', emulator.url, '--username', 'bench@acme.com', '--client-id', '3MVG9benchClientId', '--key', keyPath];
    report(label, 'sfjwt verify (emulator)', await compare(() => sfjwt('--version'), () => time(node, [bin, ...verifyArgs], { SFJWT_HOME: home })), 2.5, 'sfjwt --version');
  }
  if (wanted('doctor')) {
    const manyHome = path.join(tmp, `many-${label}`);
    fs.mkdirSync(manyHome, { recursive: true, mode: 0o700 });
    const profiles = {};
    for (let i = 0; i < 100; i++) {
      profiles[`p${i}`] = {
        loginUrl: emulator.url, username: 'bench@acme.com', clientId: '3MVG9benchClientId', keyPath, certPath,
        orgKind: 'production', appKind: 'eca', createdAt: new Date().toISOString(),
      };
    }
    fs.writeFileSync(path.join(manyHome, 'config.json'), JSON.stringify({ schemaVersion: 1, default: 'p0', profiles }), { mode: 0o600 });
    // doctor exits 1 when a check fails; the bench wants the time either way.
    const doctor = (...args) => async () => {
      const start = performance.now();
      await new Promise((resolve) => spawn(node, [bin, 'doctor', ...args], { env: { ...env, SFJWT_HOME: manyHome }, stdio: 'ignore' }).on('exit', resolve));
      return performance.now() - start;
    };
    report(label, 'sfjwt doctor --all (100 profiles)', await compare(doctor('-a', 'p0'), doctor('--all'), Math.min(runs, 9)), 5.0, 'sfjwt doctor (1 profile)');
  }
}

try {
  // The key pair the verify and doctor measures use, and the emulator that holds its certificate.
  const keyDir = path.join(tmp, 'keys');
  await time(process.execPath, [bin, 'cert', 'generate', '--out-dir', keyDir]);
  const keyPath = path.join(keyDir, 'server.key');
  const certPath = path.join(keyDir, 'server.crt');
  const { startEmulator, singleAppConfig } = await import(path.join(root, 'dist', 'emulator', 'index.js'));
  const emulator = await startEmulator(
    singleAppConfig({ clientId: '3MVG9benchClientId', certPem: fs.readFileSync(certPath, 'utf8'), username: 'bench@acme.com', simulate: { loginRateLimitPerHour: 1_000_000 } }),
    { port: 0 },
  );
  try {
    const nodes = [nodeBinary(22, root), process.execPath];
    for (const node of [...new Set(nodes)]) await measure(node, emulator, keyPath, certPath);
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
    rows.push({ node: '', name: 'production install', baselineName: '15 MB budget', baselineMs: 15, ourMs: bytes / 1e6, ratio: bytes / 15e6, budget: 1, ok: bytes < 15e6, unit: 'MB' });
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}

const pad = (s, n) => String(s).padEnd(n);
console.log(`sfjwt bench — ${os.cpus().length} cores, medians of ${runs} runs (doctor --all ${Math.min(runs, 9)}), NODE_EXTRA_CA_CERTS unset\n`);
console.log(`${pad('node', 10)}${pad('measure', 36)}${pad('ours', 12)}${pad('baseline', 12)}${pad('ratio', 9)}${pad('90% range', 13)}${pad('budget', 9)}baseline`);
for (const r of rows) {
  const unit = r.unit ?? 'ms';
  const range = r.range ? `${r.range[0].toFixed(2)}-${r.range[1].toFixed(2)}` : '';
  console.log(
    `${pad(r.node, 10)}${pad(r.name, 36)}${pad(`${r.ourMs.toFixed(unit === 'MB' ? 2 : 0)} ${unit}`, 12)}${pad(`${r.baselineMs.toFixed(0)} ${unit}`, 12)}${pad(`${r.ratio.toFixed(2)}x`, 9)}${pad(range, 13)}${pad(r.budget === Infinity ? '-' : `≤${r.budget}x`, 9)}${r.baselineName}${r.budget === Infinity ? '' : r.ok ? '  ok' : '  OVER'}`,
  );
}
console.log('\n90% range: how far the ratio moves when the runs are drawn again (bootstrap); the budget is checked on the ratio.');
process.exitCode = rows.every((r) => r.ok) ? 0 : 1;
