// Shared by the scripts that synthesize configurations to files
// (synth-configurations.ts for cfn-lint, cost-profiles.ts for the README).
import * as fs from 'fs';
import * as path from 'path';
import { App, type Stack } from 'aws-cdk-lib';

/**
 * Synthesizes the stack `makeStack` builds in a fresh app and writes its
 * template to `<outdir>/<name>.template.json` (the assembly itself is removed).
 * Returns the file's path; an error from `makeStack` is passed on.
 */
export function writeTemplate(outdir: string, name: string, makeStack: (app: App) => Stack): string {
  fs.mkdirSync(outdir, { recursive: true });
  const app = new App({ outdir: fs.mkdtempSync(path.join(outdir, '.assembly-')) });
  try {
    const stack = makeStack(app);
    const template = app.synth().getStackByName(stack.stackName).template;
    const file = path.join(outdir, `${name}.template.json`);
    fs.writeFileSync(file, JSON.stringify(template, undefined, 1));
    console.log(`${name}: ${Object.keys(template.Resources).length} resources`);
    return file;
  } finally {
    fs.rmSync(app.outdir, { recursive: true, force: true });
  }
}
