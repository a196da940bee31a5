import { App, Stack, Stage, type StackProps, aws_ecs as ecs } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DjangoFargateEnvironment, type DjangoFargateEnvironmentProps } from '../src';

/** A concrete account and region, as a user's production stack would have. */
export const FIXED_ENV = { account: '123456789012', region: 'eu-west-1' };

/**
 * The smallest valid props: the first phase of a new environment (no image
 * yet, so no tasks, no release step, no schedules). See test/first-deploy.test.ts.
 */
export const FIRST_DEPLOY_PROPS: DjangoFargateEnvironmentProps = {
  project: 'team-task',
  environment: 'production',
};

/**
 * The smallest props of a running environment: an image tag in its own
 * repository, as after the first push. Most suites test this.
 */
export const MINIMAL_PROPS: DjangoFargateEnvironmentProps = {
  ...FIRST_DEPLOY_PROPS,
  imageTag: 'v1',
};

/**
 * `props` over MINIMAL_PROPS; over FIRST_DEPLOY_PROPS when they bring their
 * own `image` (which excludes `imageTag`). `imageTag: undefined` asks for the first phase.
 */
export function withMinimalProps(props: Partial<DjangoFargateEnvironmentProps>): DjangoFargateEnvironmentProps {
  return { ...('image' in props ? FIRST_DEPLOY_PROPS : MINIMAL_PROPS), ...props };
}

/** A registry image, so nothing needs Docker or an asset. */
export const REGISTRY_IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12-slim');

export interface Synthesized {
  readonly stack: Stack;
  readonly environment: DjangoFargateEnvironment;
  readonly template: Template;
}

/**
 * Creates a stack holding one DjangoFargateEnvironment and synthesizes it.
 *
 * @param props merged over MINIMAL_PROPS (see `withMinimalProps`)
 * @param stackProps e.g. `{ env: FIXED_ENV }`; environment-agnostic by default
 */
export function synthesize(props: Partial<DjangoFargateEnvironmentProps> = {}, stackProps: StackProps = {}): Synthesized {
  return synthesizeWith(() => props, stackProps);
}

/** Like `synthesize`, for props that need the stack (imported certificates, an existing VPC). */
export function synthesizeWith(
  makeProps: (stack: Stack) => Partial<DjangoFargateEnvironmentProps>,
  stackProps: StackProps = {},
): Synthesized {
  const stack = newStack(stackProps);
  const environment = new DjangoFargateEnvironment(stack, 'Env', withMinimalProps(makeProps(stack)));
  return { stack, environment, template: strictTemplate(stack) };
}

/**
 * The stack's template, failing on any warning annotation as `cdk synth --strict`
 * does: every tested configuration must synthesize without a warning.
 */
export function strictTemplate(stack: Stack): Template {
  const template = Template.fromStack(stack);
  // The assembly Template.fromStack made (synth is cached): no second synthesis.
  const assembly = Stage.of(stack)!.synth();
  const warnings = assembly.getStackArtifact(stack.artifactId).messages
    .filter((m) => m.level === 'warning')
    .map((m) => `${m.id}: ${m.entry.data}`);
  if (warnings.length > 0) {
    throw new Error(`${stack.stackName} synthesized with ${warnings.length} warning(s):\n${warnings.join('\n')}`);
  }
  return template;
}

/** A fresh stack in its own app. */
export function newStack(stackProps: StackProps = {}): Stack {
  return new Stack(new App(), 'TestStack', stackProps);
}

/** The single resource of `type`, failing unless there is exactly one. */
export function onlyResource(template: Template, type: string): { id: string; properties: any } {
  const found = template.findResources(type);
  const ids = Object.keys(found);
  if (ids.length !== 1) throw new Error(`expected exactly one ${type}, found ${ids.length}`);
  return { id: ids[0], properties: found[ids[0]].Properties };
}

/** Logical id of the resource a `{ Ref }` or `{ 'Fn::GetAtt': [id, attr] }` points at. */
export function referencedId(value: any): string {
  if (value?.Ref) return value.Ref;
  if (value?.['Fn::GetAtt']) return value['Fn::GetAtt'][0];
  throw new Error(`not a Ref or GetAtt: ${JSON.stringify(value)}`);
}

/** Logical id of the resource behind an L2 attribute token, e.g. `idOf(s, env.staticBucket.bucketName)`. */
export function idOf(s: Synthesized, token: string): string {
  return referencedId(s.stack.resolve(token));
}

/** The service's task definition (there is a second one for the release commands). */
export function serviceTaskDefinition(s: Synthesized): { id: string; properties: any } {
  const id = idOf(s, s.environment.taskDefinition.taskDefinitionArn);
  return { id, properties: s.template.findResources('AWS::ECS::TaskDefinition')[id].Properties };
}

/** Every string in a JSON-like value, deeply. */
export function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(allStrings);
  return [];
}

/** Statements of every policy attached to a role. */
export function statementsOfRole(template: Template, roleId: string): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => p.Properties.Roles.map(referencedId).includes(roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

/** A task definition's properties by its L2's ARN token, e.g. `taskDefinitionOf(s, env.taskDefinition)`. */
export function taskDefinitionOf(s: Synthesized, taskDefinition: { taskDefinitionArn: string }): { id: string; properties: any } {
  const id = idOf(s, taskDefinition.taskDefinitionArn);
  return { id, properties: s.template.findResources('AWS::ECS::TaskDefinition')[id].Properties };
}

/** Name -> value of a container definition's plain variables. */
export function environmentOf(container: any): { [name: string]: any } {
  return Object.fromEntries((container.Environment ?? []).map((e: any) => [e.Name, e.Value]));
}

/** Name -> ValueFrom of a container definition's secrets. */
export function secretsOf(container: any): { [name: string]: any } {
  return Object.fromEntries((container.Secrets ?? []).map((e: any) => [e.Name, e.ValueFrom]));
}

/** One ingress rule of a security group, its source resolved to a logical id. */
export interface Ingress { from: number; to: number; protocol: string; cidr?: string; sourceGroup?: string }

/** Every ingress rule of a security group, inline or standalone, with sources resolved to logical ids. */
export function ingressOf(template: Template, groupId: string): Ingress[] {
  const group = template.findResources('AWS::EC2::SecurityGroup')[groupId];
  const inline = (group.Properties.SecurityGroupIngress ?? []).map((r: any) => ({ ...r }));
  const standalone = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
    .map((r) => r.Properties)
    .filter((p) => referencedId(p.GroupId) === groupId);
  return [...inline, ...standalone].map((r) => ({
    from: r.FromPort,
    to: r.ToPort,
    protocol: r.IpProtocol,
    cidr: r.CidrIp ?? r.CidrIpv6,
    sourceGroup: r.SourceSecurityGroupId ? referencedId(r.SourceSecurityGroupId) : undefined,
  }));
}
