// Synthesizes every configuration of test/configurations.ts into one
// directory (first argument), one template per configuration, for cfn-lint.
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { DjangoFargateEnvironment } from '../src';
import { CONFIGURATIONS } from '../test/configurations';
import { withMinimalProps } from '../test/util';

const outdir = process.argv[2];
if (!outdir) throw new Error('usage: synth-configurations.ts OUTDIR');
fs.mkdirSync(outdir, { recursive: true });

for (const configuration of CONFIGURATIONS) {
  const app = new App({ outdir: fs.mkdtempSync(path.join(outdir, '.assembly-')) });
  const stack = new Stack(app, 'Django', configuration.stackProps);
  new DjangoFargateEnvironment(stack, 'Env', withMinimalProps(configuration.props(stack)));
  const assembly = app.synth();
  const template = assembly.getStackByName(stack.stackName).template;
  fs.writeFileSync(path.join(outdir, `${configuration.name}.template.json`), JSON.stringify(template, undefined, 1));
  fs.rmSync(assembly.directory, { recursive: true, force: true });
  console.log(`${configuration.name}: ${Object.keys(template.Resources).length} resources`);
}
