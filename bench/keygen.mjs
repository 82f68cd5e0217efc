#!/usr/bin/env node
// Key + certificate generation vs `openssl req -x509 -newkey rsa:2048` (SPEC §9: ratio <= 1.0).
// Both sides are whole processes, run alternately, medians over `runs`. Needs `npm run build` first.
// Run as `env -u NODE_EXTRA_CA_CERTS node bench/keygen.mjs [runs]` (extra CA certs slow Node's start).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const distCrypto = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'crypto') + path.sep).href;

/**
 * What `sfjwt cert generate` does, as its own process: start the native key generation first, load the
 * certificate code (node-forge's ASN.1 module) while the threadpool searches for primes, then sign and
 * write the key (0600 from creation) and the certificate.
 */
export function childScript({ outDir, method = 'primes' }) {
  return `
const keys = import(${JSON.stringify(distCrypto + 'keys.js')});
const pairPromise = keys.then((m) => m.generateRsaKeyPair(2048, { method: ${JSON.stringify(method)} }));
const [{ createSelfSignedCertificate }, { randomBytes }, fs, pair] = await Promise.all([
  import(${JSON.stringify(distCrypto + 'cert.js')}), import('node:crypto'), import('node:fs'), pairPromise]);
const pem = createSelfSignedCertificate({ privateKeyPem: pair.privateKeyPem, commonName: 'bench', days: 730, now: new Date(), random: randomBytes });
fs.writeFileSync(${JSON.stringify(path.join(outDir, 'server.key'))}, pair.privateKeyPem, { mode: 0o600 });
fs.writeFileSync(${JSON.stringify(path.join(outDir, 'server.crt'))}, pem);
`;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function timed(command, args, env) {
  const start = performance.now();
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`${command} failed (${result.status}): ${result.stderr}`);
  return ms;
}

export function benchKeygen({ runs = 7, method = 'primes' } = {}) {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  const dir = mkdtempSync(path.join(tmpdir(), 'sfjwt-bench-keygen-'));
  try {
    const script = childScript({ outDir: dir, method });
    const opensslArgs = ['req', '-x509', '-sha256', '-nodes', '-days', '730', '-newkey', 'rsa:2048',
      '-keyout', path.join(dir, 'openssl.key'), '-out', path.join(dir, 'openssl.crt'), '-subj', '/CN=bench'];
    // One warm-up of each (disk cache, dist files), not counted.
    timed('openssl', opensslArgs, env);
    timed(process.execPath, ['--input-type=module', '-e', script], env);
    const baseline = [];
    const ours = [];
    for (let i = 0; i < runs; i++) {
      baseline.push(timed('openssl', opensslArgs, env));
      ours.push(timed(process.execPath, ['--input-type=module', '-e', script], env));
    }
    const baselineMs = median(baseline);
    const ourMs = median(ours);
    return { baselineMs, ourMs, ratio: ourMs / baselineMs, runs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const runs = Number(process.argv[2] ?? 7);
  const method = process.env.BENCH_KEYGEN_METHOD ?? 'primes'; // 'openssl' to compare OpenSSL's own RSA keygen
  const { baselineMs, ourMs, ratio } = benchKeygen({ runs, method });
  console.log(`key + cert generation (rsa 2048, keygen method ${method}), medians over ${runs} runs`);
  console.log(`  openssl req -x509 -newkey rsa:2048   ${baselineMs.toFixed(0).padStart(6)} ms`);
  console.log(`  sfjwt crypto (whole node process)    ${ourMs.toFixed(0).padStart(6)} ms`);
  console.log(`  ratio ${ratio.toFixed(2)}x (budget 1.00x)`);
}
