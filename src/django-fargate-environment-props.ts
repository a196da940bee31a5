import type { RemovalPolicy, aws_kms as kms } from 'aws-cdk-lib';
import type { BackgroundWorkOptions } from './options/background-work-options';
import type { CostOptions } from './options/cost-options';
import type { DatabaseOptions } from './options/database-options';
import type { DistributionOptions } from './options/distribution-options';
import type { MonitoringOptions } from './options/monitoring-options';
import type { NetworkOptions } from './options/network-options';
import type { ParameterNames } from './options/parameter-names';
import type { RegistryOptions } from './options/registry-options';
import type { ReleaseOptions } from './options/release-options';
import type { ServiceOptions } from './options/service-options';

/**
 * Properties of a `DjangoFargateEnvironment`.
 *
 * Flat, with related props sharing a prefix; each group is documented on the
 * interface it comes from.
 */
export interface DjangoFargateEnvironmentProps
  extends NetworkOptions, RegistryOptions, DistributionOptions, ServiceOptions, ReleaseOptions, DatabaseOptions, BackgroundWorkOptions,
  CostOptions, MonitoringOptions {
  /**
   * Name of the project, e.g. `team-task`.
   *
   * Letters, digits and hyphens, starting and ending with a letter or digit,
   * at most 32 characters. It prefixes the SSM parameter names, names the ECR
   * repository (lower-cased) and is set as the `Project` tag.
   */
  readonly project: string;

  /**
   * Name of the environment, e.g. `production` or `staging`.
   *
   * Same rules as `project`. Part of the SSM parameter names and the ECR
   * repository name, and set as the `Environment` tag.
   */
  readonly environment: string;

  /**
   * Suffixes of the SSM parameters to read; the full name is `${project}-${environment}_${suffix}`.
   *
   * The database's name and master user name are read from their parameters
   * when the database is created. Changing `databaseName` or
   * `databaseUsername` here (or those parameters' values) on an existing
   * environment makes CloudFormation **replace the database**, with a new,
   * empty one; the construct cannot know at synthesis whether the database
   * exists. Set them once, before the first deployment.
   *
   * @default - `postgres_db`, `database_username`, `database_password`, `django_secret_key`
   */
  readonly parameterNames?: ParameterNames;

  /**
   * Customer-managed KMS key the SecureString parameters are encrypted with.
   *
   * The execution role and the deploy-time parameter reader get
   * `kms:Decrypt` on this key only. Not needed for the AWS-managed `aws/ssm` key.
   *
   * @default - the parameters use the AWS-managed `aws/ssm` key; no KMS permission is granted
   */
  readonly parameterEncryptionKey?: kms.IKey;

  /**
   * What happens to the data when the environment is removed from the stack.
   *
   * `RemovalPolicy.DESTROY` marks the environment disposable (a review app):
   * the database is deleted without a final snapshot and without deletion
   * protection, and the buckets, repository and log group are emptied and
   * deleted. Any other value keeps the data: the database has deletion
   * protection and leaves a final snapshot; buckets, repository and log
   * group are retained.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}
