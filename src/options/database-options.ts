import type { Duration, aws_ec2 as ec2, aws_rds as rds } from 'aws-cdk-lib';

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
   * PostgreSQL version of the database: a minor version of PostgreSQL 17.
   *
   * RDS retires old minor versions; after that, a new environment pinned to
   * one fails to create. Minor upgrades are automatic in the maintenance
   * window, so a running database moves ahead by itself. To create new
   * environments on a newer minor version, set it here, e.g.
   * `rds.PostgresEngineVersion.VER_17_6` or
   * `rds.PostgresEngineVersion.of('17.7', '17')`; for an existing database this
   * is the minor upgrade RDS would make anyway (never choose a version below
   * the one it runs). Another major version needs a planned upgrade and is
   * rejected.
   *
   * @default rds.PostgresEngineVersion.VER_17_6
   */
  readonly databaseEngineVersion?: rds.PostgresEngineVersion;

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
