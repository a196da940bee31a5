import * as crypto from 'crypto';
import { Fn, RemovalPolicy, aws_ec2 as ec2, aws_elasticache as elasticache } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { BROKER_URL_QUERY, BROKER_URL_VARIABLE, CACHE_URL_VARIABLE } from './defaults';

/** Props of the `Cache` construct. */
export interface CacheProps {
  readonly vpc: ec2.IVpc;
  /** The groups whose tasks may connect: the web service's and the workers'. */
  readonly clients: ec2.ISecurityGroup[];
  /** ElastiCache's own name for the cache (see `serverlessCacheName`). */
  readonly cacheName: string;
  readonly maxDataStorageGiB: number;
  /** RETAIN, or DESTROY for a disposable environment. */
  readonly removalPolicy: RemovalPolicy;
}

/** Valkey's port; serverless caches serve reads from replicas on the next one. */
export const CACHE_PORT = 6379;
export const CACHE_READER_PORT = 6380;
/** A major version: ElastiCache Serverless applies minor versions itself. */
export const VALKEY_MAJOR_VERSION = '8';
/** Daily snapshots kept; taken after the database's backup window (02:00-03:00 UTC). */
export const CACHE_SNAPSHOT_RETENTION_DAYS = 1;
export const CACHE_SNAPSHOT_TIME = '03:00';

const MAX_NAME_LENGTH = 40;

/**
 * ElastiCache's name for the cache of `project`-`environment`: 1-40 lower-case
 * letters, digits and hyphens, starting with a letter, no two hyphens in a row,
 * not ending with a hyphen. Too long a name keeps its start and gets a hash of
 * the whole, so two environments never share one.
 */
export function serverlessCacheName(project: string, environment: string): string {
  let name = `${project}-${environment}`.toLowerCase().replace(/-{2,}/g, '-');
  if (!/^[a-z]/.test(name)) name = `c-${name}`;
  if (name.length <= MAX_NAME_LENGTH) return name;
  const hash = crypto.createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_NAME_LENGTH - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/**
 * An ElastiCache Serverless Valkey cache in the private subnets, reachable
 * over TLS (serverless caches accept nothing else) from the client groups
 * only, its data storage capped.
 */
export class Cache extends Construct {
  public readonly cache: elasticache.CfnServerlessCache;
  public readonly securityGroup: ec2.SecurityGroup;
  /** What every container gets: `REDIS_URL` = `rediss://<endpoint>:<port>` and `CELERY_BROKER_URL`, resolved at deployment. */
  public readonly environment: { readonly [name: string]: string };

  constructor(scope: Construct, id: string, props: CacheProps) {
    super(scope, id);
    // The cache never opens connections itself.
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Valkey cache: 6379 and the reader port 6380 from the Django service and worker groups only',
      allowAllOutbound: false,
    });
    for (const client of props.clients) {
      this.securityGroup.connections.allowFrom(client, ec2.Port.tcpRange(CACHE_PORT, CACHE_READER_PORT), 'Valkey (primary and reader endpoints)');
    }

    this.cache = new elasticache.CfnServerlessCache(this, 'Resource', {
      serverlessCacheName: props.cacheName,
      description: 'Django cache and Celery broker',
      engine: 'valkey',
      majorEngineVersion: VALKEY_MAJOR_VERSION,
      // One subnet per zone: the cache's endpoints live there.
      subnetIds: props.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, onePerAz: true }).subnetIds,
      securityGroupIds: [this.securityGroup.securityGroupId],
      // A cost cap: at the limit, keys with a TTL are evicted, then writes fail,
      // rather than the bill growing past it.
      cacheUsageLimits: { dataStorage: { maximum: props.maxDataStorageGiB, unit: 'GB' } },
      snapshotRetentionLimit: CACHE_SNAPSHOT_RETENTION_DAYS,
      dailySnapshotTime: CACHE_SNAPSHOT_TIME,
    });
    this.cache.applyRemovalPolicy(props.removalPolicy);

    const url = Fn.join('', ['rediss://', this.cache.attrEndpointAddress, ':', this.cache.attrEndpointPort]);
    this.environment = { [CACHE_URL_VARIABLE]: url, [BROKER_URL_VARIABLE]: `${url}${BROKER_URL_QUERY}` };
  }
}
