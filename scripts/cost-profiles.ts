// Synthesizes the README's cost profiles (default, lean, production) and the background-work example into
// cdk.out/profiles/<name>.template.json and prints what the cost command
// says about each: the numbers of README.md's "What it costs" table.
//   npx ts-node --project tsconfig.dev.json scripts/cost-profiles.ts
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { DjangoFargateEnvironment } from '../src';
import { writeTemplate } from './write-template';
import { main } from '../src/cost/cli';
import { BACKGROUND_WORK_CONFIGURATION, DEFAULT_CONFIGURATION, LEAN_CONFIGURATION, PRODUCTION_CONFIGURATION } from '../test/configurations';
import { withMinimalProps } from '../test/util';

const outdir = path.join('cdk.out', 'profiles');
for (const configuration of [DEFAULT_CONFIGURATION, LEAN_CONFIGURATION, PRODUCTION_CONFIGURATION, BACKGROUND_WORK_CONFIGURATION]) {
  const file = writeTemplate(outdir, configuration.name, (app) => {
    const stack = new Stack(app, 'MyStack', configuration.stackProps);
    new DjangoFargateEnvironment(stack, 'Env', withMinimalProps(configuration.props(stack)));
    return stack;
  });
  main(['cost', file]);
  console.log();
}
