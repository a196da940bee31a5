import * as fs from 'fs';
import * as path from 'path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { onlyResource, serviceTaskDefinition, synthesize, type Synthesized } from './util';
import { defaultLifecyclePolicy, lifecyclePolicyProblems } from '../src/private/lifecycle-policy';

const FIXTURE = path.join(__dirname, 'fixtures', 'lifecycle-policy.json');
const FIXTURE_POLICY = JSON.parse(fs.readFileSync(FIXTURE, 'utf-8'));

function lifecyclePolicyOf(template: Template): any {
  return JSON.parse(onlyResource(template, 'AWS::ECR::Repository').properties.LifecyclePolicy.LifecyclePolicyText);
}

describe('ECR repository with the default lifecycle policy', () => {
  let s: Synthesized;
  beforeAll(() => { s = synthesize({ project: 'Team-Task' }); });

  test('is named after the project and environment, lower-cased, so users know where to push', () => {
    s.template.hasResourceProperties('AWS::ECR::Repository', { RepositoryName: 'team-task-production' });
  });

  test('has immutable tags, scans on push and is encrypted with ECR\'s own AES-256 (no key to manage)', () => {
    s.template.hasResourceProperties('AWS::ECR::Repository', {
      ImageTagMutability: 'IMMUTABLE',
      ImageScanningConfiguration: { ScanOnPush: true },
      EncryptionConfiguration: Match.absent(),
    });
  });

  test('is retained when the stack is deleted', () => {
    s.template.hasResource('AWS::ECR::Repository', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('expires every image beyond the newest 15, whatever its tags', () => {
    expect(lifecyclePolicyOf(s.template).rules).toEqual([
      expect.objectContaining({
        rulePriority: 1,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 15 },
        action: { type: 'expire' },
      }),
    ]);
  });

  test('the task pulls the image from this repository at imageTag (v1 in MINIMAL_PROPS)', () => {
    const task = serviceTaskDefinition(s);
    const image = JSON.stringify(task.properties.ContainerDefinitions[0].Image);
    expect(image).toContain(onlyResource(s.template, 'AWS::ECR::Repository').id);
    expect(image).toMatch(/:v1"/);
  });
});

describe('ECR repository with maxImageCount and imageTag', () => {
  test('the default policy keeps maxImageCount images and the task uses imageTag', () => {
    const s = synthesize({ maxImageCount: 40, imageTag: 'v1.2.3' });
    expect(lifecyclePolicyOf(s.template).rules[0].selection.countNumber).toBe(40);
    const task = serviceTaskDefinition(s);
    expect(JSON.stringify(task.properties.ContainerDefinitions[0].Image)).toMatch(/:v1\.2\.3"/);
  });
});

describe('ECR repository with a lifecycle policy file', () => {
  test('stores the file\'s policy as written', () => {
    const { template } = synthesize({ lifecyclePolicyFile: FIXTURE });
    expect(lifecyclePolicyOf(template)).toEqual(FIXTURE_POLICY);
  });
});

describe('lifecycle policy checks (pure)', () => {
  test('the default policy is itself valid', () => {
    expect(lifecyclePolicyProblems(defaultLifecyclePolicy(15))).toEqual([]);
  });

  test('the fixture is valid', () => {
    expect(lifecyclePolicyProblems(FIXTURE_POLICY)).toEqual([]);
  });

  test.each([
    ['an empty rules array', { rules: [] }, /non-empty "rules" array/],
    ['a repeated priority', { rules: [rule(1, 'untagged'), rule(1, 'any')] }, /repeats rulePriority 1/],
    ['a zero priority', { rules: [rule(0, 'any')] }, /rulePriority 0/],
    ['an unknown tag status', { rules: [rule(1, 'latest')] }, /tagStatus "latest": valid values are tagged, untagged, any/],
    ['tagged without prefixes', { rules: [rule(1, 'tagged')] }, /without a non-empty tagPrefixList or tagPatternList/],
    ['an "any" rule before another', { rules: [rule(1, 'any'), rule(2, 'untagged')] }, /must have the highest rulePriority|requires it to have the highest rulePriority/],
    ['sinceImagePushed without days', { rules: [{ ...rule(1, 'any'), selection: { tagStatus: 'any', countType: 'sinceImagePushed', countNumber: 3 } }] }, /needs "countUnit": "days"/],
    ['a count unit with imageCountMoreThan', { rules: [{ ...rule(1, 'any'), selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 3, countUnit: 'days' } }] }, /takes no countUnit/],
    ['a non-integer count', { rules: [{ ...rule(1, 'any'), selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 2.5 } }] }, /countNumber 2.5/],
    ['an action other than expire', { rules: [{ ...rule(1, 'any'), action: { type: 'delete' } }] }, /must be \{"type": "expire"\}/],
  ])('rejects %s', (_name, doc, message) => {
    expect(lifecyclePolicyProblems(doc).join('\n')).toMatch(message);
  });
});

function rule(rulePriority: number, tagStatus: string) {
  return {
    rulePriority,
    selection: { tagStatus, countType: 'imageCountMoreThan', countNumber: 3 },
    action: { type: 'expire' },
  };
}
