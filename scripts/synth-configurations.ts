// Synthesizes every configuration of test/configurations.ts into one
// directory (first argument), one template per configuration, for cfn-lint;
// and the first FUZZ_TEMPLATES (default 15) templates that the property-based
// test's generated props synthesize (test/fuzz-arbitraries.ts, same seed),
// as fuzz-<i>.template.json: generated props must be refused naming a prop
// or synthesize a template that cfn-lint passes.
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { DjangoFargateEnvironment } from '../src';
import { CONFIGURATIONS } from '../test/configurations';
import { build, isPropsError, propsArb, SEED } from '../test/fuzz-arbitraries';
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

const FUZZ_TEMPLATES = Number(process.env.FUZZ_TEMPLATES ?? 15);
let written = 0;
let refused = 0;
// Samples in the seed's order; refused props (validation's error) are skipped.
for (const g of fc.sample(propsArb, { seed: SEED, numRuns: FUZZ_TEMPLATES * 20 })) {
  if (written >= FUZZ_TEMPLATES) break;
  const app = new App({ outdir: fs.mkdtempSync(path.join(outdir, '.assembly-')) });
  let stack: Stack;
  try {
    stack = build(g, app);
  } catch (e) {
    if (!isPropsError(e)) throw e;
    fs.rmSync(app.outdir, { recursive: true, force: true });
    refused++;
    continue;
  }
  const assembly = app.synth();
  const template = assembly.getStackByName(stack.stackName).template;
  const name = `fuzz-${written++}`;
  fs.writeFileSync(path.join(outdir, `${name}.template.json`), JSON.stringify(template, undefined, 1));
  fs.rmSync(assembly.directory, { recursive: true, force: true });
  console.log(`${name}: ${Object.keys(template.Resources).length} resources`);
}
console.log(`fuzz: ${written} templates (${refused} generated props refused on the way)`);
if (written < FUZZ_TEMPLATES) throw new Error(`only ${written} of ${FUZZ_TEMPLATES} generated props synthesized`);
