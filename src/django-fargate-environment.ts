import {
  Annotations,
  CfnOutput,
  CustomResource,
  Fn,
  RemovalPolicy,
  Stack,
  Tags,
  aws_certificatemanager as acm,
  aws_cloudfront as cloudfront,
  aws_cloudwatch as cloudwatch,
  aws_ec2 as ec2,
  aws_ecr as ecr,
  aws_ecs as ecs,
  aws_elasticache as elasticache,
  aws_elasticloadbalancingv2 as elbv2,
  aws_events as events,
  aws_logs as logs,
  aws_rds as rds,
  aws_s3 as s3,
  aws_scheduler as scheduler,
  aws_sns as sns,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { DjangoFargateEnvironmentProps } from './django-fargate-environment-props';
import { AccessLogs } from './private/access-logs';
import { Cache, serverlessCacheName } from './private/cache';
import { Database } from './private/database';
import {
  CSRF_TRUSTED_ORIGINS_VARIABLE,
  DEFAULTS,
  DEFAULT_CONTAINER_ENVIRONMENT,
  DEFAULT_RELEASE_COMMANDS,
  FIRST_DEPLOY_PLACEHOLDER_TAG,
  FIRST_DEPLOY_SUGGESTED_TAG,
  MEDIA_BUCKET_VARIABLE,
  csrfTrustedOrigins,
} from './private/defaults';
import { Domain } from './private/domain';
import { LoadBalancer } from './private/load-balancer';
import { Media } from './private/media';
import { Monitoring, type MonitoredWorker } from './private/monitoring';
import { Network } from './private/network';
import { Registry } from './private/registry';
import { Release } from './private/release';
import { Schedules } from './private/schedules';
import { SecurityGroups } from './private/security-groups';
import { Service } from './private/service';
import { StaticFiles } from './private/static-files';
import { CLOUDFRONT_CERTIFICATE_REGION, DEFAULT_SECRET_PARAMETERS, certificateRegion, validateProps } from './private/validation';
import { Worker, workerSettings } from './private/worker';

/**
 * A complete home for a containerised Django application on AWS.
 *
 * Creates a VPC (or uses yours), an ECR repository, a private static-files
 * bucket behind CloudFront, an internet-facing Application Load Balancer, a
 * private encrypted RDS PostgreSQL database and an ECS Fargate service with
 * CPU autoscaling; optionally background workers, scheduled management
 * commands and a Valkey cache, and always a private bucket for user uploads.
 * Secrets stay in SSM Parameter Store, created by you as
 * `${project}-${environment}_${suffix}`; the construct only references them.
 *
 * @example
 * new DjangoFargateEnvironment(this, 'Production', {
 *   project: 'team-task',
 *   environment: 'production',
 * });
 */
export class DjangoFargateEnvironment extends Construct {
  /**
   * Django's release commands, the default of `releaseCommands`:
   * `python manage.py migrate --noinput`, then `python manage.py collectstatic --noinput`.
   */
  public static readonly DEFAULT_RELEASE_COMMANDS: string[][] = DEFAULT_RELEASE_COMMANDS.map((c) => [...c]);

  /** The VPC everything runs in. */
  public readonly vpc: ec2.IVpc;
  /** Security group of the load balancer: 80 and 443 from anywhere. */
  public readonly loadBalancerSecurityGroup: ec2.SecurityGroup;
  /** Security group of the service's tasks: the container port from the load balancer only. */
  public readonly serviceSecurityGroup: ec2.SecurityGroup;
  /** Security group of the database: 5432 from the service and worker groups only. */
  public readonly databaseSecurityGroup: ec2.SecurityGroup;
  /**
   * Security group of the tasks that take no traffic: workers, scheduled
   * commands, release tasks and one-off tasks. No ingress; it reaches the
   * database and the cache like the service's group.
   */
  public readonly workerSecurityGroup: ec2.SecurityGroup;
  /** The ECR repository to push the application image to. */
  public readonly repository: ecr.Repository;
  /** The bucket `collectstatic` writes to, served by CloudFront under `/static/`. */
  public readonly staticBucket: s3.Bucket;
  /** The CloudFront distribution in front of the whole site. */
  public readonly distribution: cloudfront.Distribution;
  /** The internet-facing Application Load Balancer. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The HTTP (port 80) listener of the load balancer. */
  public readonly httpListener: elbv2.ApplicationListener;
  /**
   * The HTTPS (port 443) listener of the load balancer.
   *
   * @default - none, when neither `certificate` nor `hostedZone` is given
   */
  public readonly httpsListener?: elbv2.ApplicationListener;
  /** The IP target group the service's tasks register in. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  /** The RDS PostgreSQL instance. */
  public readonly database: rds.DatabaseInstance;
  /** The ECS cluster. */
  public readonly cluster: ecs.Cluster;
  /** The Fargate task definition of the Django service. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /**
   * The Django container of the service's task definition.
   *
   * Variables or secrets added here (`addEnvironment`, `addSecret`) reach the
   * web service only: the release commands, the workers and the scheduled
   * commands have task definitions of their own, built from the props. Put
   * what they all need in `containerEnvironment` and `containerSecrets`.
   */
  public readonly container: ecs.ContainerDefinition;
  /** The ECS Fargate service. */
  public readonly service: ecs.FargateService;
  /** The log group the container logs to. */
  public readonly logGroup: logs.LogGroup;
  /**
   * The custom resource that runs the release commands; the service depends on it.
   *
   * @default - none, when `enableReleaseCommands` is false
   */
  public readonly release?: CustomResource;
  /** The private bucket for user uploads, served through presigned URLs; its name is `AWS_MEDIA_BUCKET_NAME`. */
  public readonly mediaBucket: s3.Bucket;
  /** The worker services, in the order of `workers`. */
  public readonly workerServices: ecs.FargateService[];
  /** The EventBridge Scheduler schedules of `scheduledCommands`, in their order. */
  public readonly schedules: scheduler.Schedule[];
  /**
   * The ElastiCache Serverless Valkey cache; its URL is `REDIS_URL`.
   *
   * @default - none, unless `enableCache` is true
   */
  public readonly cache?: elasticache.CfnServerlessCache;
  /**
   * Security group of the cache: 6379 and 6380 from the service and worker groups only.
   *
   * @default - none, unless `enableCache` is true
   */
  public readonly cacheSecurityGroup?: ec2.SecurityGroup;
  /** The bucket holding the access logs of the static bucket, CloudFront and the load balancer, and the VPC flow logs. */
  public readonly accessLogsBucket: s3.Bucket;
  /** The SNS topic every alarm notifies on ALARM and on OK, and failed scheduled commands are reported to: `alarmTopic` or a new one. */
  public readonly alarmTopic: sns.ITopic;
  /**
   * The environment's alarms, in a stable order: load balancer and web
   * service, then each worker, the database, the cache and CloudFront
   * (us-east-1 stacks only). The README's "Day 2" section lists them.
   */
  public readonly alarms: cloudwatch.Alarm[];
  /** The CloudWatch dashboard of the environment; its console link is the `DashboardUrl` output. */
  public readonly dashboard: cloudwatch.Dashboard;
  /**
   * The EventBridge rule that reports failed scheduled-command runs (non-zero exit code, failed start) to `alarmTopic`.
   *
   * @default - none, without `scheduledCommands`
   */
  public readonly scheduledCommandFailureRule?: events.Rule;

  constructor(scope: Construct, id: string, props: DjangoFargateEnvironmentProps) {
    super(scope, id);
    const { lifecyclePolicy } = validateProps(this, props);

    const prefix = `${props.project}-${props.environment}`;
    const parameterName = (suffix: string) => `${prefix}_${suffix}`;
    const names = { ...DEFAULTS.parameterNames, ...props.parameterNames };
    const containerPort = props.containerPort ?? DEFAULTS.containerPort;
    // Data is either kept (anything but DESTROY) or disposable: the concerns
    // below get RETAIN or DESTROY and nothing else.
    const removalPolicy = (props.removalPolicy ?? DEFAULTS.removalPolicy) === RemovalPolicy.DESTROY
      ? RemovalPolicy.DESTROY
      : RemovalPolicy.RETAIN;

    this.accessLogsBucket = new AccessLogs(this, 'AccessLogs', { removalPolicy }).bucket;

    this.vpc = props.vpc ?? new Network(this, 'Network', {
      vpcCidr: props.vpcCidr ?? DEFAULTS.vpcCidr,
      publicSubnetCidrs: props.publicSubnetCidrs ?? DEFAULTS.publicSubnetCidrs,
      privateSubnetCidrs: props.privateSubnetCidrs ?? DEFAULTS.privateSubnetCidrs,
      natGateways: props.natGateways ?? DEFAULTS.natGateways,
      natProvider: props.natProvider,
      flowLogsBucket: this.accessLogsBucket,
    });

    const securityGroups = new SecurityGroups(this, 'SecurityGroups', { vpc: this.vpc, containerPort });
    this.loadBalancerSecurityGroup = securityGroups.loadBalancer;
    this.serviceSecurityGroup = securityGroups.service;
    this.databaseSecurityGroup = securityGroups.database;
    this.workerSecurityGroup = securityGroups.worker;

    this.repository = new Registry(this, 'Registry', {
      repositoryName: prefix.toLowerCase(),
      lifecyclePolicy,
      removalPolicy,
    }).repository;

    // Names in a public hosted zone: the certificates the user did not give
    // are made and validated there, and the records point at the site.
    const certificateForCloudFront = props.cloudFrontCertificate
      ?? (props.certificate && cloudFrontMayUse(props.certificate) ? props.certificate : undefined);
    const domain = props.hostedZone && props.domainNames?.length ? new Domain(this, 'Domain', {
      hostedZone: props.hostedZone,
      domainNames: props.domainNames,
      certificate: props.certificate,
      cloudFrontCertificate: certificateForCloudFront,
      inUsEast1: Stack.of(this).region === CLOUDFRONT_CERTIFICATE_REGION,
      removalPolicy,
    }) : undefined;

    const lb = new LoadBalancer(this, 'LoadBalancer', {
      vpc: this.vpc,
      securityGroup: this.loadBalancerSecurityGroup,
      containerPort,
      healthCheckPath: props.healthCheckPath ?? DEFAULTS.healthCheckPath,
      certificate: domain?.loadBalancerCertificate ?? props.certificate,
      originProtection: props.originProtection ?? DEFAULTS.originProtection,
      accessLogsBucket: this.accessLogsBucket,
      removalPolicy,
    });
    this.loadBalancer = lb.loadBalancer;
    this.targetGroup = lb.targetGroup;
    this.httpListener = lb.httpListener;
    this.httpsListener = lb.httpsListener;

    const staticFiles = new StaticFiles(this, 'StaticFiles', {
      loadBalancer: this.loadBalancer,
      priceClass: props.priceClass ?? DEFAULTS.priceClass,
      certificate: domain?.cloudFrontCertificate ?? certificateForCloudFront,
      domainNames: props.domainNames,
      originDomainName: domain?.originDomainName,
      originHeaders: lb.originHeaders,
      accessLogsBucket: this.accessLogsBucket,
      removalPolicy,
    });
    this.staticBucket = staticFiles.bucket;
    this.distribution = staticFiles.distribution;
    domain?.addRecords(this.distribution, this.loadBalancer);

    this.mediaBucket = new Media(this, 'Media', { accessLogsBucket: this.accessLogsBucket, removalPolicy }).bucket;

    const cache = (props.enableCache ?? DEFAULTS.enableCache) ? new Cache(this, 'Cache', {
      vpc: this.vpc,
      clients: [this.serviceSecurityGroup, this.workerSecurityGroup],
      cacheName: serverlessCacheName(props.project, props.environment),
      maxDataStorageGiB: props.cacheMaxDataStorageGiB ?? DEFAULTS.cacheMaxDataStorageGiB,
      removalPolicy,
    }) : undefined;
    this.cache = cache?.cache;
    this.cacheSecurityGroup = cache?.securityGroup;

    this.database = new Database(this, 'Database', {
      vpc: this.vpc,
      securityGroup: this.databaseSecurityGroup,
      databaseNameParameter: parameterName(names.databaseName),
      usernameParameter: parameterName(names.databaseUsername),
      passwordParameter: parameterName(names.databasePassword),
      multiAz: props.databaseMultiAz ?? DEFAULTS.databaseMultiAz,
      backupRetention: props.databaseBackupRetention ?? DEFAULTS.databaseBackupRetention,
      instanceType: props.databaseInstanceType ?? DEFAULTS.databaseInstanceType,
      allocatedStorageGiB: props.databaseAllocatedStorageGiB ?? DEFAULTS.databaseAllocatedStorageGiB,
      maxAllocatedStorageGiB: props.databaseMaxAllocatedStorageGiB ?? DEFAULTS.databaseMaxAllocatedStorageGiB,
      removalPolicy,
      parameterEncryptionKey: props.parameterEncryptionKey,
      engineVersion: props.databaseEngineVersion ?? DEFAULTS.databaseEngineVersion,
    }).instance;

    const secretParameters: { [name: string]: string } = {};
    for (const [variable, key] of Object.entries(DEFAULT_SECRET_PARAMETERS)) {
      secretParameters[variable] = parameterName(names[key]);
    }
    for (const [variable, suffix] of Object.entries(props.containerSecrets ?? {})) {
      secretParameters[variable] = parameterName(suffix);
    }

    // The first phase: no image was named, and this environment's repository
    // is created empty by this very deployment. Nothing may pull from it yet.
    const awaitingImage = props.image === undefined && props.imageTag === undefined;
    const enableReleaseCommands = (props.enableReleaseCommands ?? DEFAULTS.enableReleaseCommands) && !awaitingImage;
    // Also decides whether the workers' running-task alarms exist: their metric comes from it.
    const containerInsights = props.containerInsights ?? DEFAULTS.containerInsights;
    const service = new Service(this, 'Service', {
      vpc: this.vpc,
      securityGroup: this.serviceSecurityGroup,
      targetGroup: this.targetGroup,
      staticBucket: this.staticBucket,
      mediaBucket: this.mediaBucket,
      image: props.image ?? ecs.ContainerImage.fromEcrRepository(this.repository, props.imageTag ?? FIRST_DEPLOY_PLACEHOLDER_TAG),
      containerName: DEFAULTS.containerName,
      containerPort,
      cpu: props.cpu ?? DEFAULTS.cpu,
      memoryLimitMiB: props.memoryLimitMiB ?? DEFAULTS.memoryLimitMiB,
      minCapacity: props.minCapacity ?? DEFAULTS.minCapacity,
      maxCapacity: props.maxCapacity ?? DEFAULTS.maxCapacity,
      targetCpuUtilizationPercent: props.targetCpuUtilizationPercent ?? DEFAULTS.targetCpuUtilizationPercent,
      logRetention: props.logRetention ?? DEFAULTS.logRetention,
      environment: {
        ...DEFAULT_CONTAINER_ENVIRONMENT,
        // Django 4+ checks a form post's Origin against this list; behind
        // CloudFront the site's names are the origins. A default like the
        // others: containerEnvironment may replace it.
        ...(props.domainNames?.length ? { [CSRF_TRUSTED_ORIGINS_VARIABLE]: csrfTrustedOrigins(props.domainNames) } : {}),
        DATABASE_HOST: this.database.dbInstanceEndpointAddress,
        DATABASE_PORT: this.database.dbInstanceEndpointPort,
        AWS_STORAGE_BUCKET_NAME: this.staticBucket.bucketName,
        [MEDIA_BUCKET_VARIABLE]: this.mediaBucket.bucketName,
        ...cache?.environment,
        ...props.containerEnvironment,
      },
      secretParameters,
      parameterEncryptionKey: props.parameterEncryptionKey,
      enableExecuteCommand: props.enableExecuteCommand ?? DEFAULTS.enableExecuteCommand,
      removalPolicy,
      withReleaseTaskDefinition: enableReleaseCommands,
      cpuArchitecture: props.cpuArchitecture ?? DEFAULTS.cpuArchitecture,
      readonlyRootFilesystem: props.readonlyRootFilesystem ?? DEFAULTS.readonlyRootFilesystem,
      spot: props.spot ?? DEFAULTS.spot,
      containerInsights,
      awaitingImage,
    });
    this.cluster = service.cluster;
    this.taskDefinition = service.taskDefinition;
    this.container = service.container;
    this.service = service.service;
    this.logGroup = service.logGroup;

    const privateSubnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    if (service.releaseTaskDefinition) {
      this.release = new Release(this, 'Release', {
        cluster: this.cluster,
        taskDefinition: service.releaseTaskDefinition,
        serviceTaskDefinition: this.taskDefinition,
        containerName: DEFAULTS.containerName,
        commands: props.releaseCommands ?? DEFAULT_RELEASE_COMMANDS,
        vpc: this.vpc,
        subnets: privateSubnets,
        securityGroup: this.workerSecurityGroup,
        timeout: props.releaseTimeout ?? DEFAULTS.releaseTimeout,
        logGroup: this.logGroup,
        removalPolicy,
      }).resource;
      // The ordering is in the template: the service moves to a new task
      // definition only after the release commands succeeded.
      this.service.node.addDependency(this.release);
    }

    // The workers and scheduled commands run the web container's image,
    // variables, secrets and roles, in the group that admits nothing.
    const tasks = {
      container: service.containerSpec,
      taskRole: service.taskRole,
      executionRole: service.executionRole,
      securityGroup: this.workerSecurityGroup,
    };
    const workers = new Construct(this, 'Workers');
    const monitoredWorkers: MonitoredWorker[] = [];
    this.workerServices = (props.workers ?? []).map((options) => {
      const settings = workerSettings(options);
      const worker = new Worker(workers, `Worker-${options.name}`, {
        ...tasks,
        ...settings,
        cluster: this.cluster,
        enableExecuteCommand: props.enableExecuteCommand ?? DEFAULTS.enableExecuteCommand,
        awaitingImage,
      });
      // Like the web service, a worker moves to a new version only after
      // the release commands (migrations) succeeded.
      if (this.release) worker.service.node.addDependency(this.release);
      // In the first phase a worker runs no task on purpose: no running-task alarm yet.
      monitoredWorkers.push({ name: settings.name, service: worker.service, minCapacity: awaitingImage ? 0 : settings.minCapacity });
      return worker.service;
    });

    const scheduledCommands = props.scheduledCommands ?? [];
    this.schedules = scheduledCommands.length === 0 ? [] : new Schedules(this, 'Schedules', {
      ...tasks,
      cluster: this.cluster,
      commands: scheduledCommands.map((c) => ({
        name: c.name,
        schedule: c.schedule,
        command: c.command,
        cpu: c.cpu ?? props.cpu ?? DEFAULTS.cpu,
        memoryLimitMiB: c.memoryLimitMiB ?? props.memoryLimitMiB ?? DEFAULTS.memoryLimitMiB,
      })),
      disabled: awaitingImage,
    }).schedules;
    // A schedule, too, names the new task definition only once the
    // migrations ran: no run of new code against the old schema.
    if (this.release) this.schedules.forEach((schedule) => schedule.node.addDependency(this.release!));

    const monitoring = new Monitoring(this, 'Monitoring', {
      environmentName: prefix,
      topic: props.alarmTopic,
      emails: props.alarmEmails ?? [],
      loadBalancer: this.loadBalancer,
      targetGroup: this.targetGroup,
      cluster: this.cluster,
      service: this.service,
      workers: monitoredWorkers,
      database: this.database,
      databaseAllocatedStorageGiB: props.databaseAllocatedStorageGiB ?? DEFAULTS.databaseAllocatedStorageGiB,
      cache: this.cache,
      cacheMaxDataStorageGiB: props.cacheMaxDataStorageGiB ?? DEFAULTS.cacheMaxDataStorageGiB,
      distribution: this.distribution,
      scheduledCommandNames: scheduledCommands.map((c) => c.name),
      logGroup: this.logGroup,
      latencyThreshold: props.latencyAlarmThreshold ?? DEFAULTS.latencyAlarmThreshold,
      enableDeploymentAlarms: props.enableDeploymentAlarms ?? DEFAULTS.enableDeploymentAlarms,
      containerInsights,
    });
    this.alarmTopic = monitoring.topic;
    this.alarms = monitoring.alarms;
    this.dashboard = monitoring.dashboard;
    this.scheduledCommandFailureRule = monitoring.scheduledCommandFailureRule;

    Tags.of(this).add('Project', props.project);
    Tags.of(this).add('Environment', props.environment);

    const siteDomain = props.domainNames?.[0] ?? this.distribution.distributionDomainName;
    new CfnOutput(this, 'SiteUrl', {
      description: 'URL of the site (CloudFront)',
      value: `https://${siteDomain}`,
    });
    new CfnOutput(this, 'RepositoryUri', {
      description: 'ECR repository to push the Django image to',
      value: this.repository.repositoryUri,
    });
    new CfnOutput(this, 'LoadBalancerDnsName', {
      description: 'DNS name of the load balancer (CloudFront\'s origin)',
      value: this.loadBalancer.loadBalancerDnsName,
    });
    const oneOffTaskDefinition = service.releaseTaskDefinition ?? this.taskDefinition;
    const subnets = Fn.join(',', this.vpc.selectSubnets(privateSubnets).subnetIds);
    new CfnOutput(this, 'RunTaskCommand', {
      description: 'Runs a one-off manage.py command (replace COMMAND) as a Fargate task of the service',
      value: `aws ecs run-task --cluster ${this.cluster.clusterName} --task-definition ${oneOffTaskDefinition.taskDefinitionArn} `
        + '--launch-type FARGATE --network-configuration '
        + `"awsvpcConfiguration={subnets=[${subnets}],securityGroups=[${this.workerSecurityGroup.securityGroupId}],assignPublicIp=DISABLED}" `
        + `--overrides '{"containerOverrides":[{"name":"${DEFAULTS.containerName}","command":["python","manage.py","COMMAND"]}]}'`,
    });
    new CfnOutput(this, 'DatabaseEndpoint', {
      description: 'Host and port of the PostgreSQL database (private)',
      value: `${this.database.dbInstanceEndpointAddress}:${this.database.dbInstanceEndpointPort}`,
    });
    new CfnOutput(this, 'LogGroupName', {
      description: 'Log group of every task: streams django/, worker-<name>/, release/, scheduled-<name>/',
      value: this.logGroup.logGroupName,
    });
    const region = Stack.of(this).region;
    new CfnOutput(this, 'DashboardUrl', {
      description: 'The CloudWatch dashboard of the environment',
      value: `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${this.dashboard.dashboardName}`,
    });

    if (awaitingImage) this.explainFirstPhase();
  }

  /**
   * The first phase, told at synthesis and in the outputs: what runs (nothing
   * yet) and the exact commands that end it. An info, not a warning: this is
   * the expected first step, and `cdk synth --strict` fails on warnings.
   */
  private explainFirstPhase(): void {
    const tag = FIRST_DEPLOY_SUGGESTED_TAG;
    const uri = this.repository.repositoryUri;
    const registry = Fn.select(0, Fn.split('/', uri));
    Annotations.of(this).addInfo(
      'First phase: neither `image` nor `imageTag` is set, so this deployment creates the environment with the web '
      + 'service and the workers at zero tasks, the release commands off and the schedules disabled, because its ECR '
      + `repository is still empty. After the deployment, push an image (see the FirstDeploy outputs), set imageTag: '${tag}' `
      + 'and deploy again: the release commands run, then the service starts.',
    );
    new CfnOutput(this, 'FirstDeployLogin', {
      description: 'First phase, step 1: log Docker in to the environment\'s ECR registry',
      value: `aws ecr get-login-password --region ${Stack.of(this).region} | docker login --username AWS --password-stdin ${registry}`,
    });
    new CfnOutput(this, 'FirstDeployPush', {
      description: 'First phase, step 2: build the Django image (from the project\'s directory) and push it',
      value: `docker build -t ${uri}:${tag} . && docker push ${uri}:${tag}`,
    });
    new CfnOutput(this, 'FirstDeployNext', {
      description: 'First phase, step 3: name the pushed tag and deploy again',
      value: `Set imageTag: '${tag}' in the DjangoFargateEnvironment props, then run cdk deploy`,
    });
  }
}

/** CloudFront uses only us-east-1 certificates; a certificate whose region is unknown at synthesis is trusted to be there. */
function cloudFrontMayUse(certificate: acm.ICertificate): boolean {
  const region = certificateRegion(certificate);
  return region === undefined || region === CLOUDFRONT_CERTIFICATE_REGION;
}
