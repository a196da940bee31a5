import { App, Stack, aws_kms as kms } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { CONFIGURATIONS } from './configurations';
import { FIXED_ENV, referencedId, serviceTaskDefinition, strictTemplate, synthesizeWith, withMinimalProps } from './util';
import { DjangoFargateEnvironment } from '../src';

/**
 * Actions allowed on `Resource: '*'`, because their APIs have no
 * resource-level permissions.
 */
const NO_RESOURCE_LEVEL = new Set([
  'ecr:GetAuthorizationToken',
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
  'logs:DescribeLogGroups',
  // Listed tasks are limited to the release's cluster by an ecs:cluster condition.
  'ecs:ListTasks',
  // The CloudFront certificate's handler finds its own and the sharers of its validation records.
  'acm:ListCertificates',
  // A request names no certificate yet; conditions limit it to us-east-1, DNS validation and the site's names.
  'acm:RequestCertificate',
]);

/**
 * The statement AWS documents for a Step Functions state machine that logs to
 * CloudWatch Logs (vended log delivery), as aws-cdk-lib writes it for the
 * release step's waiter state machine.
 */
const STEP_FUNCTIONS_LOG_DELIVERY = [
  'logs:CreateLogDelivery', 'logs:CreateLogStream', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries', 'logs:PutLogEvents', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups',
].sort();

function statements(template: Template): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement)
    .concat(Object.values(template.findResources('AWS::IAM::Role'))
      .flatMap((r) => (r.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement)));
}

describe.each(CONFIGURATIONS.map((c) => [c.name, c] as const))('least privilege, %s configuration', (_name, c) => {
  let all: any[];
  beforeAll(() => {
    const stack = new Stack(new App(), 'Iam', c.stackProps);
    // ECS Exec's permissions too; it excludes a read-only root filesystem, which changes no permission.
    new DjangoFargateEnvironment(stack, 'Env', withMinimalProps({ ...c.props(stack), enableExecuteCommand: true, readonlyRootFilesystem: false }));
    all = statements(strictTemplate(stack));
  });

  test('no statement uses a wildcard action', () => {
    const wildcards = all.flatMap((st) => [st.Action].flat()).filter((a: string) => a.includes('*'));
    expect(wildcards).toEqual([]);
  });

  test('Resource "*" appears only for actions that have no resource-level permissions', () => {
    const unscoped = all.filter((st) => st.Resource === '*' || (Array.isArray(st.Resource) && st.Resource.includes('*')));
    expect(unscoped.length).toBeGreaterThan(0);
    for (const st of unscoped) {
      const actions = [st.Action].flat().sort();
      if (JSON.stringify(actions) === JSON.stringify(STEP_FUNCTIONS_LOG_DELIVERY)) continue;
      for (const action of actions) expect([action, NO_RESOURCE_LEVEL.has(action)]).toEqual([action, true]);
    }
  });

  test('no KMS permission without a customer key', () => {
    expect(all.flatMap((st) => [st.Action].flat()).filter((a: string) => a.startsWith('kms:'))).toEqual([]);
  });
});

describe('parameters encrypted with a customer-managed key', () => {
  test('the execution role and the parameter reader may decrypt with that key only', () => {
    const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/abcd1234-ab12-cd34-ef56-abcdef123456';
    const s = synthesizeWith((stack) => ({ parameterEncryptionKey: kms.Key.fromKeyArn(stack, 'Key', keyArn) }), { env: FIXED_ENV });
    const task = serviceTaskDefinition(s).properties;
    const lookup = Object.values(s.template.findResources('Custom::AWS'))[0];
    const lookupRole = referencedId(s.template.findResources('AWS::Lambda::Function')[referencedId(lookup.Properties.ServiceToken)].Properties.Role);
    const decrypting = Object.values(s.template.findResources('AWS::IAM::Policy'))
      .filter((p) => p.Properties.PolicyDocument.Statement.some((st: any) => [st.Action].flat().includes('kms:Decrypt')));
    const roles = [...new Set(decrypting.flatMap((p) => p.Properties.Roles.map(referencedId)))].sort();
    expect(roles).toEqual([referencedId(task.ExecutionRoleArn), lookupRole].sort());
    for (const p of decrypting) {
      const kmsStatements = p.Properties.PolicyDocument.Statement.filter((st: any) => [st.Action].flat().some((a: string) => a.startsWith('kms:')));
      for (const st of kmsStatements) expect(st.Resource).toBe(keyArn);
    }
  });
});
