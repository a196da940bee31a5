import type { Duration, aws_ec2 as ec2 } from 'aws-cdk-lib';

/**
 * The RDS PostgreSQL database.
 */
export interface DatabaseOptions {
  /**
   * Run the database in two Availability Zones with synchronous standby failover.
   *
   * @default false
   */
  readonly databaseMultiAz?: boolean;

  /**
   * How long automated backups are kept, between 1 and 35 days.
   *
   * @default Duration.days(7)
   */
  readonly databaseBackupRetention?: Duration;

  /**
   * Instance class of the database.
   *
   * @default ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO)
   */
  readonly databaseInstanceType?: ec2.InstanceType;

  /**
   * Initial allocated storage in GiB, at least 20.
   *
   * @default 20
   */
  readonly databaseAllocatedStorageGiB?: number;

  /**
   * Upper limit in GiB to which RDS storage autoscaling may grow the volume.
   *
   * Must exceed `databaseAllocatedStorageGiB` by at least 10 %.
   *
   * @default 100
   */
  readonly databaseMaxAllocatedStorageGiB?: number;
}
