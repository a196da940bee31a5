import { type Stack } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { build, isPropsError, propsArb, SEED } from './fuzz-arbitraries';
import { strictTemplate } from './util';

/*
 * A property-based test of the props: generated props, valid, invalid and
 * tokens mixed, must either be refused by validation with an error whose
 * every line names a prop in backticks, or synthesize without an error or a
 * warning. Anything else (a TypeError, an aws-cdk-lib error that names no
 * prop) is a bug: the input would have needed a clear message.
 *
 * Generated props live in test/fuzz-arbitraries.ts; cfn-lint (scripts/cfn-lint.sh)
 * also lints the first templates they synthesize with the same seed.
 *
 * CI runs a fixed seed. To run more cases locally, e.g. 500 with a new seed:
 *   FUZZ_RUNS=500 FUZZ_SEED=$RANDOM CDK_VALIDATION=false npx jest test/fuzz-props.test.ts
 * A failure prints the seed and the path that reproduce it (FUZZ_SEED, FUZZ_PATH).
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const PATH = process.env.FUZZ_PATH;

test(`generated props are refused naming a prop, or synthesize cleanly (${RUNS} cases, seed ${SEED})`, () => {
  let refused = 0;
  fc.assert(fc.property(propsArb, (g) => {
    let stack: Stack;
    try {
      stack = build(g);
    } catch (e) {
      if (!isPropsError(e)) {
        throw new Error(`construction failed without naming a prop: ${e instanceof Error ? e.stack : e}`);
      }
      refused++;
      return;
    }
    strictTemplate(stack);
  }), { seed: SEED, numRuns: RUNS, path: PATH, endOnFailure: true });
  // eslint-disable-next-line no-console
  if (process.env.FUZZ_RUNS) console.log(`${refused} of ${RUNS} refused, ${RUNS - refused} synthesized`);
  // The generators must reach both outcomes, or the test proves little.
  expect(refused).toBeGreaterThan(0);
  expect(refused).toBeLessThan(RUNS);
}, 120_000);
