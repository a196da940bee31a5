import { Duration, type RemovalPolicy, aws_s3 as s3 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { privateBucketProps } from './private-bucket';

/** Props of the `Media` construct. */
export interface MediaProps {
  readonly accessLogsBucket: s3.IBucket;
  /** RETAIN, or DESTROY for a disposable environment: the uploads go with the stack. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The bucket for user uploads (Django's `MEDIA`, django-storages' default
 * storage). Private: files are served through presigned URLs, never publicly
 * and not through CloudFront.
 */
export class Media extends Construct {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: MediaProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      // Versioned: an overwritten or deleted upload stays recoverable.
      ...privateBucketProps({ ...props, accessLogsPrefix: 'media-bucket/' }),
      // Parts of abandoned multipart uploads are billed until aborted.
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(7) }],
    });
  }
}
