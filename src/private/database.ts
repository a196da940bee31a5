import {
  Duration,
  RemovalPolicy,
  SecretValue,
  Stack,
  aws_ec2 as ec2,
  aws_iam as iam,
  aws_kms as kms,
  aws_rds as rds,
  custom_resources as cr,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { suppressNag } from './nag';

/** Construct id of aws-cdk-lib's per-stack AwsCustomResource function (its fixed UUID). */
const AWS_CUSTOM_RESOURCE_SINGLETON = 'AWS679f53fac002430cb0da5b7982bd2287';

/**
 * Performance Insights is not offered on the smallest burstable classes
 * (micro and small T instances).
 */
export function supportsPerformanceInsights(instanceType: ec2.InstanceType): boolean {
  const [family, size] = instanceType.toString().split('.');
  return !(/^t\d/.test(family) && ['micro', 'small'].includes(size));
}

/** Props of the `Database` construct. */
export interface DatabaseProps {
  readonly vpc: ec2.IVpc;
  readonly securityGroup: ec2.ISecurityGroup;
  /** Full SSM parameter names of the database name, master user name and master password. */
  readonly databaseNameParameter: string;
  readonly usernameParameter: string;
  readonly passwordParameter: string;
  readonly multiAz: boolean;
  readonly backupRetention: Duration;
  readonly instanceType: ec2.InstanceType;
  readonly allocatedStorageGiB: number;
  readonly maxAllocatedStorageGiB: number;
  /** RETAIN, or DESTROY for a disposable environment (no snapshot, no deletion protection). */
  readonly removalPolicy: RemovalPolicy;
  /** Customer key the parameters are encrypted with, if not the AWS-managed `aws/ssm`. */
  readonly parameterEncryptionKey?: kms.IKey;
  /** A full minor version of PostgreSQL 17 (validated). */
  readonly engineVersion: rds.PostgresEngineVersion;
}


/**
 * The RDS PostgreSQL instance, private and encrypted, with credentials read
 * from SSM Parameter Store at deployment.
 */
export class Database extends Construct {
  public readonly instance: rds.DatabaseInstance;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const disposable = props.removalPolicy === RemovalPolicy.DESTROY;
    // A full minor version; RDS's automatic minor upgrades move it ahead.
    const engine = rds.DatabaseInstanceEngine.postgres({ version: props.engineVersion });

    // CloudFormation resolves `ssm-secure` references for MasterUserPassword
    // but not for MasterUsername or DBName, and `{{resolve:ssm:...}}` refuses
    // SecureStrings. So the user name and database name are read at
    // deployment by a custom resource (decrypting, with its logs hiding the
    // response); the password stays a dynamic reference.
    const username = this.readParameter('MasterUsername', props.usernameParameter, props.parameterEncryptionKey);
    const databaseName = this.readParameter('DatabaseName', props.databaseNameParameter, props.parameterEncryptionKey);

    // aws-cdk-lib runs every AwsCustomResource of a stack in one function,
    // whose role carries the AWS-managed basic-execution policy (own logs only).
    const singletonRole = Stack.of(this).node.tryFindChild(AWS_CUSTOM_RESOURCE_SINGLETON)?.node.tryFindChild('ServiceRole');
    if (singletonRole) {
      suppressNag(singletonRole, {
        id: 'AwsSolutions-IAM4',
        reason: 'aws-cdk-lib\'s AwsCustomResource function role uses AWSLambdaBasicExecutionRole, which only allows writing its own logs.',
        appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
      });
    }

    const parameterGroup = new rds.ParameterGroup(this, 'ParameterGroup', {
      engine,
      description: 'Django PostgreSQL parameters',
      parameters: {
        // Only TLS connections; psycopg's default sslmode=prefer complies.
        'rds.force_ssl': '1',
      },
    });

    this.instance = new rds.DatabaseInstance(this, 'Instance', {
      engine,
      instanceType: props.instanceType,
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      subnetGroup: new rds.SubnetGroup(this, 'SubnetGroup', {
        vpc: props.vpc,
        description: 'Private subnets of the Django database',
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        removalPolicy: RemovalPolicy.DESTROY,
      }),
      securityGroups: [props.securityGroup],
      publiclyAccessible: false,
      multiAz: props.multiAz,
      storageEncrypted: true,
      storageType: rds.StorageType.GP3,
      allocatedStorage: props.allocatedStorageGiB,
      maxAllocatedStorage: props.maxAllocatedStorageGiB,
      backupRetention: props.backupRetention,
      preferredBackupWindow: '02:00-03:00',
      preferredMaintenanceWindow: 'Sun:00:00-Sun:02:00',
      autoMinorVersionUpgrade: true,
      parameterGroup,
      databaseName,
      credentials: rds.Credentials.fromPassword(username, SecretValue.ssmSecure(props.passwordParameter)),
      copyTagsToSnapshot: true,
      cloudwatchLogsExports: ['postgresql', 'upgrade'],
      enablePerformanceInsights: supportsPerformanceInsights(props.instanceType),
      // Data is kept unless the environment is explicitly disposable: a final
      // snapshot on removal, and deletion protection against accidents.
      deletionProtection: !disposable,
      removalPolicy: disposable ? RemovalPolicy.DESTROY : RemovalPolicy.SNAPSHOT,
    });

    suppressNag(this.instance, {
      id: 'AwsSolutions-RDS11',
      reason: 'Django and the service security group expect PostgreSQL on 5432; only the service security group can reach it.',
    });
    if (!props.multiAz) {
      suppressNag(this.instance, {
        id: 'AwsSolutions-RDS3',
        reason: 'Single-AZ by default to keep small environments cheap; set databaseMultiAz for production failover.',
      });
    }
  }

  /** A deploy-time read of a (possibly SecureString) parameter; its value never enters the template. */
  private readParameter(id: string, parameterName: string, encryptionKey?: kms.IKey): string {
    const parameterArn = Stack.of(this).formatArn({
      service: 'ssm',
      resource: 'parameter',
      resourceName: parameterName,
    });
    const call: cr.AwsSdkCall = {
      service: 'SSM',
      action: 'GetParameter',
      parameters: { Name: parameterName, WithDecryption: true },
      physicalResourceId: cr.PhysicalResourceId.of(parameterName),
      outputPaths: ['Parameter.Value'],
      logging: cr.Logging.withDataHidden(),
    };
    const reader = new cr.AwsCustomResource(this, id, {
      onCreate: call,
      onUpdate: call,
      installLatestAwsSdk: false,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [parameterArn] }),
        ...(encryptionKey ? [new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [encryptionKey.keyArn] })] : []),
      ]),
    });
    return reader.getResponseField('Parameter.Value');
  }
}
