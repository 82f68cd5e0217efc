import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestDeps, runInProcess } from '../helpers/deps.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { certDer, certPem, forgeP12, makeJks, makePair, snapshot, type Pem } from '../unit/cert/helpers.js';
import { gen, type Gen } from './gen.js';

/**
 * Damaged keystores and certificates through the real commands: each run ends in a result or a
 * one-line input error (exit 2), never a crash, and a refused import leaves every file as it was.
 * Before: 17 of 250 JKS mutations in the certificate area crashed `cert import`, some after it had
 * written the key.
 */
let pair: Pem;
let der: Buffer;

beforeAll(() => {
  pair = makePair('fuzz');
  der = certDer(pair.cert);
});

/** One DER-level mutation: a bit flip, a byte set to a boundary value, a cut, an insertion, a deletion. */
function mutateBytes(g: Gen, data: Buffer): Buffer {
  const at = g.int(data.length);
  switch (g.int(5)) {
    case 0: {
      const out = Buffer.from(data);
      out[at] = out[at]! ^ (1 << g.int(8));
      return out;
    }
    case 1: {
      const out = Buffer.from(data);
      out[at] = g.pick([0x00, 0x01, 0x7f, 0x80, 0x81, 0xff]);
      return out;
    }
    case 2:
      return data.subarray(0, at);
    case 3:
      return Buffer.concat([data.subarray(0, at), g.bytes(1 + g.int(8)), data.subarray(at)]);
    default:
      return Buffer.concat([data.subarray(0, at), data.subarray(at + 1 + g.int(8))]);
  }
}

function mutations(seed: number, count: number, data: () => Buffer): Array<{ name: string; bytes: Buffer }> {
  const g = gen(seed);
  return Array.from({ length: count }, (_, i) => {
    let bytes = data();
    const rounds = 1 + g.int(3);
    for (let r = 0; r < rounds; r++) bytes = mutateBytes(g, bytes);
    return { name: `seed ${seed} #${i} (${rounds} mutations)`, bytes };
  });
}

const INPUT_CODES = ['cert-invalid', 'key-invalid', 'key-encrypted', 'key-not-rsa', 'key-cert-mismatch', 'key-missing', 'usage'];

/** Runs the CLI in-process: exit 0, or exit 2 with one line and an input code and nothing on disk changed. */
async function expectResultOrInputError(home: string, name: string, argv: string[], env: Record<string, string> = {}) {
  const before = await snapshot(home);
  const run = await runInProcess([...argv, '--json'], createTestDeps({ env: { SFJWT_HOME: home, ...env }, cwd: home }));
  const doc = JSON.parse(run.stdout);
  if (run.code === 0) return doc;
  expect(run.code, `${name}: ${run.stdout}`).toBe(2);
  expect(INPUT_CODES, `${name}: ${doc.error.message}`).toContain(doc.error.code);
  expect(doc.error.message, name).not.toMatch(/\n/);
  expect(await snapshot(home), `${name}: files changed by a refused command`).toEqual(before);
  return doc;
}

describe('keystore and certificate fuzz (seeded, through the commands)', () => {
  it('250 JKS keystores with the certificate bytes mutated (valid integrity digest)', async () => {
    await withTempDir(async (home) => {
      let imported = 0;
      for (const [i, { name, bytes }] of mutations(1401, 250, () => der).entries()) {
        await fs.writeFile(path.join(home, 'in.jks'), makeJks(pair.key, [bytes], 'pw'));
        const doc = await expectResultOrInputError(home, name, ['cert', 'import', '-a', `a${i}`, '--jks', 'in.jks', '--passphrase-env', 'P'], { P: 'pw' });
        if (doc.ok) imported++;
      }
      // Some mutations leave a readable certificate (or one made from the key): both outcomes were reached.
      expect(imported).toBeGreaterThan(0);
      expect(imported).toBeLessThan(250);
    });
  }, 120_000);

  it('100 JKS keystores mutated anywhere after the header (digest recomputed, so the reader goes past it)', async () => {
    await withTempDir(async (home) => {
      const jks = makeJks(pair.key, [der], 'pw');
      const body = () => jks.subarray(0, jks.length - 20);
      for (const [i, { name, bytes }] of mutations(1402, 100, body).entries()) {
        const digest = createHash('sha1').update(Buffer.from('pw', 'utf16le').swap16()).update('Mighty Aphrodite', 'utf8').update(bytes).digest();
        await fs.writeFile(path.join(home, 'in.jks'), Buffer.concat([bytes, digest]));
        await expectResultOrInputError(home, name, ['cert', 'import', '-a', `a${i}`, '--jks', 'in.jks', '--passphrase-env', 'P'], { P: 'pw' });
      }
    });
  }, 120_000);

  it('150 PEM certificates with mutated DER: cert show, cert import and doctor', async () => {
    await withTempDir(async (home) => {
      await fs.writeFile(path.join(home, 'in.key'), pair.key);
      for (const [i, { name, bytes }] of mutations(1403, 150, () => der).entries()) {
        await fs.writeFile(path.join(home, 'in.crt'), certPem(bytes));
        await expectResultOrInputError(home, `${name} show`, ['cert', 'show', '--cert', 'in.crt']);
        await expectResultOrInputError(home, `${name} import`, ['cert', 'import', '-a', `a${i}`, '--key', 'in.key', '--cert', 'in.crt']);
        if (i % 5 === 0) {
          const doctor = await runInProcess(
            ['doctor', '--offline', '--json', '--key', 'in.key', '--cert', 'in.crt', '--login-url', 'https://login.salesforce.com', '--username', 'a@b.c', '--client-id', 'clientid123'],
            createTestDeps({ env: { SFJWT_HOME: home }, cwd: home }),
          );
          const crashed = JSON.parse(doctor.stdout).result.checks.filter((c: { status: string }) => c.status === 'crash');
          expect(crashed, name).toEqual([]);
        }
      }
    });
  }, 120_000);

  it('16 PKCS#12 files (no MAC, so the reader goes past it) with mutated bytes', async () => {
    await withTempDir(async (home) => {
      const p12 = forgeP12(pair, '', { useMac: false });
      for (const [i, { name, bytes }] of mutations(1404, 16, () => p12).entries()) {
        await fs.writeFile(path.join(home, 'in.p12'), bytes);
        await expectResultOrInputError(home, name, ['cert', 'import', '-a', `a${i}`, '--p12', 'in.p12']);
      }
    });
  }, 120_000);
});
