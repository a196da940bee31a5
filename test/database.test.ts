import { Duration, aws_ec2 as ec2, aws_rds as rds } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { onlyResource, referencedId, synthesize, type Synthesized } from './util';
import { supportsPerformanceInsights } from '../src/private/database';

/** The Custom::AWS resource a GetAtt points at, with its SDK call decoded. */
function lookupBehind(template: Template, value: any): { id: string; create: any; update: any } {
  const id = referencedId(value);
  const resource = template.findResources('Custom::AWS')[id];
  expect(resource).toBeDefined();
  return { id, create: JSON.parse(resource.Properties.Create), update: JSON.parse(resource.Properties.Update) };
}

describe('database, default settings', () => {
  let s: Synthesized;
  let db: any;
  beforeAll(() => {
    s = synthesize();
    db = onlyResource(s.template, 'AWS::RDS::DBInstance').properties;
  });

  test('PostgreSQL 17.6 (the newest 17.x the aws-cdk-lib floor knows), minor upgrades automatic', () => {
    expect(db.Engine).toBe('postgres');
    expect(db.EngineVersion).toBe('17.6');
    expect(db.AutoMinorVersionUpgrade).toBe(true);
    const group = Object.values(s.template.findResources('AWS::RDS::DBParameterGroup'))[0].Properties;
    expect(group.Family).toBe('postgres17');
  });

  test('databaseEngineVersion chooses another PostgreSQL 17 minor version for the instance and its parameter group', () => {
    const other = synthesize({ databaseEngineVersion: rds.PostgresEngineVersion.of('17.7', '17') });
    expect(onlyResource(other.template, 'AWS::RDS::DBInstance').properties).toMatchObject({ EngineVersion: '17.7', AutoMinorVersionUpgrade: true });
    expect(onlyResource(other.template, 'AWS::RDS::DBParameterGroup').properties.Family).toBe('postgres17');
  });

  test('private, encrypted, single-AZ, 20 GiB autoscaling to 100 GiB', () => {
    expect(db).toMatchObject({
      PubliclyAccessible: false,
      StorageEncrypted: true,
      MultiAZ: false,
      AllocatedStorage: '20',
      MaxAllocatedStorage: 100,
      StorageType: 'gp3',
      DBInstanceClass: 'db.t4g.micro',
    });
  });

  test('7 days of automated backups in the 02:00-03:00 window, maintenance on Sunday night', () => {
    expect(db).toMatchObject({
      BackupRetentionPeriod: 7,
      PreferredBackupWindow: '02:00-03:00',
      PreferredMaintenanceWindow: 'Sun:00:00-Sun:02:00',
    });
  });

  test('has deletion protection, exports its logs to CloudWatch, and no Performance Insights on a micro class', () => {
    expect(db.DeletionProtection).toBe(true);
    expect(db.EnableCloudwatchLogsExports).toEqual(['postgresql', 'upgrade']);
    expect(db.EnablePerformanceInsights).toBe(false);
  });

  test('a final snapshot is taken when the instance is removed or replaced', () => {
    s.template.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' });
  });

  test('its subnet group holds the private subnets only', () => {
    const group = onlyResource(s.template, 'AWS::RDS::DBSubnetGroup');
    expect(referencedId(db.DBSubnetGroupName)).toBe(group.id);
    const privateIds = s.environment.vpc.privateSubnets.map((x) => referencedId(s.stack.resolve(x.subnetId)));
    expect(group.properties.SubnetIds.map(referencedId).sort()).toEqual(privateIds.sort());
  });

  test('its own parameter group requires TLS', () => {
    const group = onlyResource(s.template, 'AWS::RDS::DBParameterGroup');
    expect(referencedId(db.DBParameterGroupName)).toBe(group.id);
    expect(group.properties.Family).toBe('postgres17');
    expect(group.properties.Parameters).toEqual({ 'rds.force_ssl': '1' });
  });

  test('the master password is an ssm-secure dynamic reference to its parameter', () => {
    expect(db.MasterUserPassword).toBe('{{resolve:ssm-secure:team-task-production_database_password}}');
  });

  test('user name and database name are read from SSM at deployment, decrypted, with response logging off', () => {
    const user = lookupBehind(s.template, db.MasterUsername);
    const name = lookupBehind(s.template, db.DBName);
    expect(user.create).toMatchObject({
      service: 'SSM',
      action: 'GetParameter',
      parameters: { Name: 'team-task-production_database_username', WithDecryption: true },
      outputPaths: ['Parameter.Value'],
      logApiResponseData: false,
    });
    expect(name.create.parameters).toEqual({ Name: 'team-task-production_postgres_db', WithDecryption: true });
    expect(name.create.logApiResponseData).toBe(false);
    // Re-read on update, so renaming the parameter takes effect.
    expect(user.update).toEqual(user.create);
  });

  test('the lookup function may read exactly those two parameters and nothing else', () => {
    // Custom::AWS -> its provider function -> the function's role -> the role's policies.
    const lookup = Object.values(s.template.findResources('Custom::AWS'))[0];
    const functionId = referencedId(lookup.Properties.ServiceToken);
    const roleId = referencedId(s.template.findResources('AWS::Lambda::Function')[functionId].Properties.Role);
    const statements = Object.values(s.template.findResources('AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles.map(referencedId).includes(roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements.map((st: any) => st.Action)).toEqual(['ssm:GetParameter', 'ssm:GetParameter']);
    const resources = statements.map((st: any) => s.stack.resolve(st.Resource));
    const arn = (name: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:parameter/${name}`]],
    });
    expect(resources).toEqual(expect.arrayContaining([
      arn('team-task-production_database_username'),
      arn('team-task-production_postgres_db'),
    ]));
  });
});

describe('database with custom settings and parameter names', () => {
  let db: any;
  let template: Template;
  beforeAll(() => {
    ({ template } = synthesize({
      databaseMultiAz: true,
      databaseBackupRetention: Duration.days(14),
      databaseInstanceType: ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.LARGE),
      databaseAllocatedStorageGiB: 50,
      databaseMaxAllocatedStorageGiB: 500,
      parameterNames: { databaseName: 'db_name', databaseUsername: 'db_user', databasePassword: 'db_pass' },
    }));
    db = onlyResource(template, 'AWS::RDS::DBInstance').properties;
  });

  test('the settings reach the instance, with Performance Insights on a class that supports it', () => {
    expect(db).toMatchObject({
      EnablePerformanceInsights: true,
      MultiAZ: true,
      BackupRetentionPeriod: 14,
      DBInstanceClass: 'db.m7g.large',
      AllocatedStorage: '50',
      MaxAllocatedStorage: 500,
    });
  });

  test('the credentials come from the renamed parameters', () => {
    expect(db.MasterUserPassword).toBe('{{resolve:ssm-secure:team-task-production_db_pass}}');
    expect(lookupBehind(template, db.MasterUsername).create.parameters.Name).toBe('team-task-production_db_user');
    expect(lookupBehind(template, db.DBName).create.parameters.Name).toBe('team-task-production_db_name');
  });
});

describe('supportsPerformanceInsights', () => {
  test.each([
    ['t4g.micro', false], ['t3.small', false], ['t4g.medium', true], ['m7g.large', true], ['r6g.xlarge', true],
  ])('%s -> %s', (type, expected) => {
    expect(supportsPerformanceInsights(new ec2.InstanceType(type))).toBe(expected);
  });
});
