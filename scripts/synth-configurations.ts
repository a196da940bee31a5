// Synthesizes every configuration of test/configurations.ts into one
// directory (first argument), one template per configuration, for cfn-lint;
// and the first FUZZ_TEMPLATES (default 15) templates that the property-based
// test's generated props synthesize (test/fuzz-arbitraries.ts, same seed),
// as fuzz-<i>.template.json: generated props must be refused naming a prop
// or synthesize a template that cfn-lint passes.
import { Stack } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { DjangoFargateEnvironment } from '../src';
import { writeTemplate } from './write-template';
import { CONFIGURATIONS } from '../test/configurations';
import { build, isPropsError, propsArb, SEED } from '../test/fuzz-arbitraries';
import { withMinimalProps } from '../test/util';

const outdir = process.argv[2];
if (!outdir) throw new Error('usage: synth-configurations.ts OUTDIR');

for (const configuration of CONFIGURATIONS) {
  writeTemplate(outdir, configuration.name, (app) => {
    const stack = new Stack(app, 'Django', configuration.stackProps);
    new DjangoFargateEnvironment(stack, 'Env', withMinimalProps(configuration.props(stack)));
    return stack;
  });
}

const FUZZ_TEMPLATES = Number(process.env.FUZZ_TEMPLATES ?? 15);
let written = 0;
let refused = 0;
// Samples in the seed's order; refused props (validation's error) are skipped.
for (const g of fc.sample(propsArb, { seed: SEED, numRuns: FUZZ_TEMPLATES * 20 })) {
  if (written >= FUZZ_TEMPLATES) break;
  try {
    writeTemplate(outdir, `fuzz-${written}`, (app) => build(g, app));
    written++;
  } catch (e) {
    if (!isPropsError(e)) throw e;
    refused++;
  }
}
console.log(`fuzz: ${written} templates (${refused} generated props refused on the way)`);
if (written < FUZZ_TEMPLATES) throw new Error(`only ${written} of ${FUZZ_TEMPLATES} generated props synthesized`);
