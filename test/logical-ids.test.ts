import { BACKGROUND_WORK_PROPS } from './configurations';
import { synthesize } from './util';

// Logical ids of stateful resources are API: changing one replaces the
// resource on the next deployment (a new, empty database or bucket). If this
// test fails, the change needs a migration note, not a new expectation.
describe('logical ids of stateful resources', () => {
  test('stay the same', () => {
    const { template } = synthesize();
    const idsOf = (type: string) => Object.keys(template.findResources(type));
    expect({
      database: idsOf('AWS::RDS::DBInstance'),
      databaseSubnetGroup: idsOf('AWS::RDS::DBSubnetGroup'),
      bucket: idsOf('AWS::S3::Bucket'),
      repository: idsOf('AWS::ECR::Repository'),
      logGroup: idsOf('AWS::Logs::LogGroup').sort(),
      vpc: idsOf('AWS::EC2::VPC'),
      distribution: idsOf('AWS::CloudFront::Distribution'),
      loadBalancer: idsOf('AWS::ElasticLoadBalancingV2::LoadBalancer'),
      // Subscriptions (confirmed by their recipients) belong to the topic.
      alarmTopic: idsOf('AWS::SNS::Topic'),
    }).toEqual({
      database: ['EnvDatabaseInstanceD9EED000'],
      databaseSubnetGroup: ['EnvDatabaseSubnetGroup9CA4D2E2'],
      bucket: ['EnvAccessLogsBucket70E9708D', 'EnvStaticFilesBucketD7A84ADA', 'EnvMediaBucket53D4C11E'],
      repository: ['EnvRegistryRepositoryFA77A3E3'],
      logGroup: ['EnvReleaseHandlerLogs3B88A0BD', 'EnvReleaseWaiterLogs320CE4E0', 'EnvServiceLogGroup221E3160'],
      vpc: ['EnvNetworkF02E3918'],
      distribution: ['EnvStaticFilesDistributionF099B5C7'],
      loadBalancer: ['EnvLoadBalancerC26E33AC'],
      alarmTopic: ['EnvMonitoringTopicF05128FB'],
    });
  });

  test('of the background work stay the same: the cache, and the services and schedules named after their workers and commands', () => {
    const { template } = synthesize(BACKGROUND_WORK_PROPS);
    const idsOf = (type: string) => Object.keys(template.findResources(type)).sort();
    expect({
      cache: idsOf('AWS::ElastiCache::ServerlessCache'),
      services: idsOf('AWS::ECS::Service'),
      schedules: idsOf('AWS::Scheduler::Schedule'),
      securityGroups: idsOf('AWS::EC2::SecurityGroup'),
    }).toEqual({
      cache: ['EnvCacheE92EE8E3'],
      services: ['EnvService79FB2273', 'EnvWorkersWorkerbeatServiceFA5BDBFC', 'EnvWorkersWorkerceleryServiceFD4F8EFD'],
      schedules: ['EnvSchedulesScheduledCommandclearsessionsSchedule21A080CF'],
      securityGroups: [
        'EnvCacheSecurityGroupBDFD052F',
        'EnvSecurityGroupsDatabaseF8A982B2',
        'EnvSecurityGroupsLoadBalancer728142A9',
        'EnvSecurityGroupsService6CCDC565',
        'EnvSecurityGroupsWorker9855DC3A',
      ],
    });
  });
});
