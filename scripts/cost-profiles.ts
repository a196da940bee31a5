// Synthesizes the README's cost profiles (default, lean, production) and the background-work example into
// cdk.out/profiles/<name>.template.json and prints what the cost command
// says about each: the numbers of README.md's "What it costs" table.
//   npx ts-node --project tsconfig.dev.json scripts/cost-profiles.ts
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { DjangoFargateEnvironment } from '../src';
import { main } from '../src/cost/cli';
import { BACKGROUND_WORK_CONFIGURATION, DEFAULT_CONFIGURATION, LEAN_CONFIGURATION, PRODUCTION_CONFIGURATION } from '../test/configurations';
import { MINIMAL_PROPS } from '../test/util';

const outdir = path.join('cdk.out', 'profiles');
fs.mkdirSync(outdir, { recursive: true });
for (const configuration of [DEFAULT_CONFIGURATION, LEAN_CONFIGURATION, PRODUCTION_CONFIGURATION, BACKGROUND_WORK_CONFIGURATION]) {
  const app = new App({ outdir: fs.mkdtempSync(path.join(outdir, '.assembly-')) });
  const stack = new Stack(app, 'MyStack', configuration.stackProps);
  new DjangoFargateEnvironment(stack, 'Env', { ...MINIMAL_PROPS, ...configuration.props(stack) });
  const assembly = app.synth();
  const file = path.join(outdir, `${configuration.name}.template.json`);
  fs.writeFileSync(file, JSON.stringify(assembly.getStackByName(stack.stackName).template, undefined, 1));
  fs.rmSync(assembly.directory, { recursive: true, force: true });
  main(['cost', file]);
  console.log();
}
