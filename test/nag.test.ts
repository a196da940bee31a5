import { App, Aspects, Stack, aws_s3 as s3 } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BACKGROUND_WORK_CONFIGURATION, DEFAULT_CONFIGURATION, FULLEST_CONFIGURATION, LEAN_CONFIGURATION, type Configuration } from './configurations';
import { MINIMAL_PROPS, withMinimalProps } from './util';
import { DjangoFargateEnvironment } from '../src';

/** Findings of the AwsSolutions pack on a stack, as `RULE path` lines. */
function awsSolutionsFindings(build: (stack: Stack) => void, stackProps = {}): { errors: string[]; warnings: string[]; stack: Stack } {
  const app = new App();
  const stack = new Stack(app, 'Nag', stackProps);
  build(stack);
  Aspects.of(stack).add(new AwsSolutionsChecks());
  app.synth();
  const lines = (found: any[]) => found.map((a) => `${String(a.entry.data).split(':')[0]} ${a.id}`).sort();
  return {
    errors: lines(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))),
    // Any warning, cdk-nag's or aws-cdk-lib's: the configurations synthesize strictly.
    warnings: lines(Annotations.fromStack(stack).findWarning('*', Match.anyValue())),
    stack,
  };
}

const environmentIn = (c: Configuration) => (stack: Stack) => {
  new DjangoFargateEnvironment(stack, 'Env', withMinimalProps(c.props(stack)));
};

describe('cdk-nag AwsSolutions pack', () => {
  test.each(['af-south-1', 'ap-east-1', 'eu-south-1', 'me-south-1'])('in %s, where CloudFront cannot log to the region\'s buckets, it logs nothing and nag is clean', (region) => {
    const { errors, warnings, stack } = awsSolutionsFindings(environmentIn(DEFAULT_CONFIGURATION), { env: { account: '123456789012', region } });
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    const template = (stack.node.root as App).synth().getStackByName(stack.stackName).template;
    const distribution = Object.values(template.Resources as { [id: string]: any }).find((r) => r.Type === 'AWS::CloudFront::Distribution');
    expect(distribution.Properties.DistributionConfig.Logging).toBeUndefined();
  });

  test('the harness sees findings: a bare bucket is reported', () => {
    const { errors } = awsSolutionsFindings((stack) => { new s3.Bucket(stack, 'Bare'); });
    expect(errors).toEqual(expect.arrayContaining([expect.stringMatching(/^AwsSolutions-S1 /), expect.stringMatching(/^AwsSolutions-S10 /)]));
  });

  test.each([DEFAULT_CONFIGURATION, BACKGROUND_WORK_CONFIGURATION, LEAN_CONFIGURATION, FULLEST_CONFIGURATION].map((c) => [c.name, c] as const))(
    'the %s configuration has no unresolved error or warning', (_name, c) => {
      const { errors, warnings, stack } = awsSolutionsFindings(environmentIn(c), c.stackProps);
      expect(errors).toEqual([]);
      expect(warnings).toEqual([]);

      // Every suppression the construct records says why, specifically.
      const resources = (stack.node.root as App).synth().getStackByName(stack.stackName).template.Resources;
      const suppressions = Object.values(resources as { [id: string]: any })
        .flatMap((r) => r.Metadata?.cdk_nag?.rules_to_suppress ?? []);
      expect(suppressions.length).toBeGreaterThan(5);
      for (const s of suppressions) {
        expect([s.id, typeof s.reason === 'string' && s.reason.length >= 40]).toEqual([s.id, true]);
      }
    },
  );
});

describe('two environments in one stack', () => {
  test('share aws-cdk-lib\'s custom-resource function, whose suppression is recorded once, and stay clean', () => {
    const { errors, warnings, stack } = awsSolutionsFindings((s) => {
      new DjangoFargateEnvironment(s, 'Staging', { ...MINIMAL_PROPS, environment: 'staging' });
      new DjangoFargateEnvironment(s, 'Production', MINIMAL_PROPS);
    });
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    const resources = (stack.node.root as App).synth().getStackByName(stack.stackName).template.Resources as { [id: string]: any };
    const repositories = Object.values(resources).filter((r) => r.Type === 'AWS::ECR::Repository').map((r) => r.Properties.RepositoryName);
    expect(repositories.sort()).toEqual(['team-task-production', 'team-task-staging']);
    const singletonRole = Object.entries(resources)
      .find(([id, r]) => r.Type === 'AWS::IAM::Role' && id.startsWith('AWS679f53fac002430cb0da5b7982bd2287'))![1];
    expect(singletonRole.Metadata.cdk_nag.rules_to_suppress.map((x: any) => x.id)).toEqual(['AwsSolutions-IAM4']);
  });
});
