import { RemovalPolicy, aws_ecr as ecr } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { LifecyclePolicyDocument } from './lifecycle-policy';

/** Props of the `Registry` construct. */
export interface RegistryProps {
  readonly repositoryName: string;
  readonly lifecyclePolicy: LifecyclePolicyDocument;
  /** RETAIN, or DESTROY for a disposable environment (the images go too). */
  readonly removalPolicy: RemovalPolicy;
}

/** The ECR repository the application image is pushed to. */
export class Registry extends Construct {
  public readonly repository: ecr.Repository;

  constructor(scope: Construct, id: string, props: RegistryProps) {
    super(scope, id);
    this.repository = new ecr.Repository(this, 'Repository', {
      // Named, because it is what users push to.
      repositoryName: props.repositoryName,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      imageScanOnPush: true,
      removalPolicy: props.removalPolicy,
      emptyOnDelete: props.removalPolicy === RemovalPolicy.DESTROY,
    });
    // The policy is stored as given (a file in ECR's own format, or the
    // default), rather than re-expressed as `LifecycleRule`s, which cannot
    // represent every field ECR accepts (e.g. `tagPatternList` with `any`).
    const cfn = this.repository.node.defaultChild as ecr.CfnRepository;
    cfn.lifecyclePolicy = { lifecyclePolicyText: JSON.stringify(props.lifecyclePolicy) };
  }
}
