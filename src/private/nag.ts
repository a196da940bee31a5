import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** A cdk-nag finding this construct accepts by design, with the reason users will read. */
export interface NagSuppression {
  readonly id: string;
  readonly reason: string;
  /** Narrows the suppression to these findings of a rule: exact (`Resource::*`) or `{ regex: '/.../' }`. */
  readonly appliesTo?: (string | { readonly regex: string })[];
}

/**
 * Records cdk-nag suppressions on a resource as the `cdk_nag` metadata cdk-nag
 * reads, so users running cdk-nag get a clean report without this library
 * depending on cdk-nag.
 */
export function suppressNag(construct: IConstruct, ...suppressions: NagSuppression[]): void {
  const resource = construct instanceof CfnResource ? construct : construct.node.defaultChild;
  if (!(resource instanceof CfnResource)) {
    throw new Error(`cannot record cdk-nag suppressions on ${construct.node.path}: it is not a CloudFormation resource`);
  }
  const existing: { id: string; reason: string }[] = resource.getMetadata('cdk_nag')?.rules_to_suppress ?? [];
  // Shared resources (e.g. aws-cdk-lib's per-stack singletons) may be
  // suppressed by several environments; record each suppression once.
  const added = suppressions
    .filter((s) => !existing.some((e) => e.id === s.id && e.reason === s.reason))
    .map((s) => ({ id: s.id, reason: s.reason, ...(s.appliesTo ? { applies_to: s.appliesTo } : {}) }));
  resource.addMetadata('cdk_nag', { rules_to_suppress: [...existing, ...added] });
}
