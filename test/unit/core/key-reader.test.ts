import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readKeyText } from '../../../src/certs/read.js';
import { createMemo } from '../../../src/doctor/memo.js';
import { makePair, settingsFrom, shared, testDeps, writePair } from '../doctor/fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sfjwt-key-reader-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('one key reader for the commands and doctor', () => {
  it('a key file: its text, its path as the label, and its permission bits', async () => {
    const pair = makePair();
    const { keyPath } = await writePair(dir, pair);
    expect(await readKeyText({ kind: 'file', path: keyPath })).toEqual({ text: pair.keyPem, label: keyPath, path: keyPath, mode: 0o600 });
  });

  it('SFJWT_KEY over 1 MiB is refused with the same message by the reader and by doctor', async () => {
    const huge = 'A'.repeat((1 << 20) + 1);
    await expect(readKeyText({ kind: 'env', text: huge })).rejects.toThrow(/SFJWT_KEY is larger than 1 MiB/);
    const settings = settingsFrom({}, { SFJWT_KEY: huge });
    const text = await createMemo(settings, testDeps(), shared()).keyText();
    expect(text).toMatchObject({ ok: false, message: expect.stringMatching(/SFJWT_KEY is larger than 1 MiB/) });
  });
});
