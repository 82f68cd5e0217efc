import path from 'node:path';
import type { CommandContext, CommandHandler } from '../command.js';
import { UsageError } from '../errors.js';
import { formatSpec, renderFormat, type FormatSpec, type RenderedFile } from '../export/formats.js';
import { resolveExportValues } from '../export/resolve.js';
import { readTemplates } from '../export/templates.js';
import type { ExportValues } from '../export/values.js';
import { tokenUrlOf } from '../salesforce/login-url.js';
import { singleFileTarget, writeFiles, type WrittenFile } from '../export/write.js';
import { userPath } from '../store/paths.js';

export interface ExportOptions {
  format: string;
  out?: string;
  includeKey: boolean;
  force: boolean;
}

const octal = (mode: number) => `0${mode.toString(8).padStart(3, '0')}`;

function checkOptions(spec: FormatSpec, options: ExportOptions): void {
  if (spec.kind === 'dir' && options.includeKey) {
    throw new UsageError(`--include-key does not apply to --format ${spec.id}: metadata carries the certificate, never the key`, 'drop --include-key');
  }
  if (spec.kind === 'dir' && !options.out) {
    throw new UsageError(`--format ${spec.id} writes a folder of files: pass --out <dir>`, `e.g. sfjwt export --format ${spec.id} --out ./${spec.id}`);
  }
}

/** What to do with the output next (stderr). */
function nextSteps(ctx: CommandContext, spec: FormatSpec, values: ExportValues, written: WrittenFile[], outDir?: string): void {
  const first = written[0]?.path;
  const { ui } = ctx;
  switch (spec.id) {
    case 'eca-metadata':
    case 'connected-app-metadata':
      ui.hint(`deploy: cd ${outDir} && sf project deploy start --manifest package.xml --target-org <admin-alias>  (see README.md)`);
      if (!values.access) ui.hint('the pre-authorised profile is a System Administrator placeholder: set the one of the JWT user before deploying');
      if (spec.id === 'connected-app-metadata') ui.warn('creating a Connected App is blocked since Spring \'26 unless Salesforce Support enabled it; updating an existing one works');
      break;
    case 'curl':
    case 'python':
    case 'simple-salesforce':
      if (first) ui.hint(`run: ${spec.id === 'curl' ? 'bash' : 'python3'} ${first}`);
      break;
    case 'jsforce':
      if (first) ui.hint(`run: npm install jsforce && node ${first}`);
      break;
    case 'github-actions':
    case 'gitlab-ci':
      ui.hint('create the secrets SF_JWT_KEY_BASE64, SF_CLIENT_ID and SF_USERNAME listed at the top of the file');
      break;
    case 'env':
      if (first) ui.hint(`load: set -a; . ${first}; set +a   then: sfjwt verify`);
      break;
    case 'sf':
      if (values.keyPath) ui.hint(`keep ${values.keyPath} in place: the sf CLI re-signs from it when the token expires`);
      break;
  }
}

/**
 * `sfjwt export --format <f>`: renders templates/<f> with the selected profile (or SFJWT_* values)
 * to stdout, or to --out (atomic, 0644; 0600 with --include-key; scripts 0755/0700).
 * JSON result: { format, alias, includesKey, loginUrl, tokenUrl, audience, audienceSource,
 * content? (stdout), outDir? (metadata), files: [{ path, mode }] (written) }.
 */
export const runExport: CommandHandler<ExportOptions> = async (options, ctx) => {
  const spec = formatSpec(options.format);
  checkOptions(spec, options);
  const values = await resolveExportValues(ctx, spec, options.includeKey);
  const files: RenderedFile[] = renderFormat(spec, values, await readTemplates(spec));

  if (values.audienceSource === 'default' && spec.needs === 'credentials') {
    ctx.ui.warn(`not verified yet: using the likely audience for ${values.appKind === 'eca' ? 'an External Client App' : 'a Connected App'} (${values.audience}); run \`sfjwt verify\` first, then export again`);
  }
  if (values.keyBase64) ctx.ui.warn('the output contains the private key: store it as a secret and keep it out of version control');

  const base = {
    format: spec.id,
    alias: values.alias ?? null,
    includesKey: values.keyBase64 !== undefined,
    loginUrl: values.loginUrl,
    tokenUrl: tokenUrlOf(values.endpoint),
    audience: values.audience,
    audienceSource: values.audienceSource,
  };

  if (!options.out) {
    const content = files[0]?.content ?? '';
    return { result: { ...base, content, files: [] }, human: content };
  }

  let outDir: string | undefined;
  let targets: { file: string; rendered: RenderedFile }[];
  if (spec.kind === 'dir') {
    outDir = userPath(options.out, ctx.deps);
    targets = files.map((rendered) => ({ file: path.join(outDir!, ...rendered.path.split('/')), rendered }));
  } else {
    const file = await singleFileTarget(options.out, ctx.deps, spec.fileName);
    if (spec.id === 'python' && path.basename(file).toLowerCase() === 'jwt.py') {
      throw new UsageError('a script named jwt.py hides the PyJWT package it imports ("module \'jwt\' has no attribute \'encode\'")', `pass --out with another name, e.g. ${spec.fileName}`);
    }
    targets = [{ file, rendered: files[0]! }];
  }
  const written = await writeFiles(targets, options.force);
  for (const w of written) ctx.ui.success(`Wrote ${w.path} (${octal(w.mode)})`);
  nextSteps(ctx, spec, values, written, outDir);
  return {
    result: { ...base, ...(outDir ? { outDir } : {}), files: written.map((w) => ({ path: w.path, mode: octal(w.mode) })) },
    human: written.map((w) => w.path).join('\n'),
  };
};
