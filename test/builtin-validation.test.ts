import * as fs from 'fs';
import * as path from 'path';
import { App, CfnResource, Stack, type StackProps } from 'aws-cdk-lib';
import { CONFIGURATIONS } from './configurations';
import { withMinimalProps } from './util';
import { DjangoFargateEnvironment } from '../src';

// aws-cdk-lib's built-in template validation (the CloudFormation Validate
// plugin, from 2.262.0 on) runs inside every synthesis. It costs about 1.3 s
// and 300 MB per test file, so this suite alone pays for it, on the newest
// aws-cdk-lib, for every configuration that cfn-lint and cdk-nag also check;
// the other suites run with CDK_VALIDATION=false. The floor has no such
// validator, so jest.floor.json leaves this file out.

/** The context flag that turns the validator's errors into synthesis errors. */
const STRICT_VALIDATION = { '@aws-cdk/core:validateAgainstDefaultRules': true };

interface Findings {
  /** `rule (severity): resource` lines from the validation report, errors and warnings alike. */
  readonly violations: string[];
  /** The synthesis error, when validation failed it. */
  readonly error?: string;
}

function validated(build: (stack: Stack) => void, stackProps: StackProps = {}, context: object = STRICT_VALIDATION): Findings {
  const app = new App({ context });
  const stack = new Stack(app, 'Validated', stackProps);
  build(stack);
  try {
    const assembly = app.synth();
    const report = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf-8'));
    const violations = (report.pluginReports as any[]).flatMap((r) => (r.violations as any[]).flatMap((v) =>
      (v.violatingConstructs as any[]).map((c) => `${v.ruleName} (${v.severity}): ${c.constructPath}`)));
    return { violations };
  } catch (e) {
    return { violations: [], error: String(e) };
  }
}

describe('aws-cdk-lib built-in template validation (newest aws-cdk-lib)', () => {
  const saved = process.env.CDK_VALIDATION;
  beforeAll(() => { delete process.env.CDK_VALIDATION; });
  afterAll(() => { process.env.CDK_VALIDATION = saved; });

  const badBucket = (stack: Stack) => {
    new CfnResource(stack, 'Bad', { type: 'AWS::S3::Bucket', properties: { NoSuchProperty: 'x' } });
  };

  test('the harness sees findings: a property CloudFormation does not know fails the synthesis', () => {
    expect(validated(badBucket).error).toMatch(/NoSuchProperty.*\(CloudFormation Validate\)/);
  });

  test('the harness reads the report: without the strict flag the same finding is a warning there', () => {
    // aws-cdk-lib also prints the warning; the report is what this reads.
    const printed = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(validated(badBucket, {}, {})).toEqual({ violations: [expect.stringMatching(/^F3002 \(warning\): Validated\/Bad$/)] });
    expect(printed).toHaveBeenCalledWith(expect.stringContaining('NoSuchProperty'));
    printed.mockRestore();
  });

  test.each(CONFIGURATIONS.map((c) => [c.name, c] as const))('the %s configuration is clean', (_name, c) => {
    const findings = validated((stack) => {
      new DjangoFargateEnvironment(stack, 'Env', withMinimalProps(c.props(stack)));
    }, c.stackProps);
    expect(findings).toEqual({ violations: [] });
  });
});
