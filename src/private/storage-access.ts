import { aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import { suppressNag } from './nag';

/** What django-storages' S3 backend calls on a bucket, and nothing more. */
export interface StorageAccess {
  /** The bucket as users know it, for the cdk-nag reason: `static bucket`. */
  readonly description: string;
  /** The part of the bucket's construct path that names it in logical ids: `StaticFilesBucket`. */
  readonly logicalIdPart: string;
  /** Actions on the bucket's objects (`arn/*`). */
  readonly objectActions: string[];
  /** Actions on the bucket itself. */
  readonly bucketActions: string[];
}

/**
 * Lets `role` use `bucket` with exactly the named actions (rather than the
 * wildcard actions of `bucket.grantReadWrite()`), and records why cdk-nag's
 * IAM5 finding on `bucket/*` is accepted.
 */
export function grantStorageAccess(role: iam.IRole, bucket: s3.IBucket, access: StorageAccess): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: access.objectActions,
    resources: [bucket.arnForObjects('*')],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: access.bucketActions,
    resources: [bucket.bucketArn],
  }));
  const policy = role.node.tryFindChild('DefaultPolicy');
  if (policy) {
    suppressNag(policy, {
      id: 'AwsSolutions-IAM5',
      reason: `Object-level S3 actions need the bucket's objects (arn/*); they are limited to this environment's ${access.description}.`,
      appliesTo: [{ regex: `/^Resource::<.*${access.logicalIdPart}.*\\.Arn>\\/\\*$/` }],
    });
  }
}
