import { DependencyType, JsonFile, awscdk, javascript } from 'projen';

/**
 * The oldest aws-cdk-lib this library supports, and the one its tests run on.
 *
 * 2.221.0 is the first release whose own Lambda handlers (AwsCustomResource,
 * S3 auto-delete, log retention, default-security-group restriction) use
 * nodejs22.x or newer in every region, so nothing this construct deploys uses
 * a runtime AWS no longer accepts for new functions. It also has
 * `S3BucketOrigin.withOriginAccessControl` and PostgreSQL 17.6.
 */
const CDK_FLOOR = '2.221.0';

/**
 * The newest aws-cdk-lib on npm: the version the library is compiled against,
 * the example is synthesized with, the deploy tests use, and the jest suites
 * run on, with aws-cdk-lib's built-in template validation. Bumped on purpose,
 * never by a range. (The Python and Java consumers use the floor: Maven
 * Central's newest aws-cdk-lib lags npm's by weeks.)
 */
const CDK_NEWEST = '2.276.0';

/** constructs for both: 10.5 is the oldest that CDK_NEWEST and integ-tests-alpha accept. */
const CONSTRUCTS_DEV = '10.5.1';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-django-fargate',
  description:
    'One AWS CDK construct for a production-shaped Django deployment: VPC, ALB, CloudFront + S3 static files, RDS PostgreSQL, SSM secrets and ECS Fargate with autoscaling.',
  keywords: ['cdk', 'aws-cdk', 'awscdk', 'django', 'fargate', 'ecs', 'cloudfront', 'rds', 'postgresql'],
  author: 'cdk-django-fargate contributors',
  authorAddress: 'cdk-django-fargate@users.noreply.github.com',
  repositoryUrl: 'https://github.com/cdk-django-fargate/cdk-django-fargate.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '22.0.0',

  // The peer dependencies say what users need (the floor); the development
  // copies are the newest, with the floor beside it under an alias.
  cdkVersion: CDK_FLOOR,
  constructsVersion: '10.4.2',
  peerDependencyOptions: { pinnedDevDependency: false },
  jsiiVersion: '~6.0.0',

  // The development tsconfig lives at the top level, beside tsconfig.json.
  tsconfigDevFile: 'tsconfig.dev.json',

  // CI is `.ci/run` (see README.md); there is no GitHub automation here.
  github: false,
  sampleCode: false,

  // Releases: `npx projen release` takes the version from the conventional
  // commits since the last tag (the first release is 0.1.0, see
  // scripts/next-version.sh), writes dist/changelog.md and builds versioned
  // npm, PyPI and Maven artifacts into dist/. Publishing needs the registries'
  // credentials and is a maintainer's step (README, "Releasing").
  release: true,
  majorVersion: 0,
  releaseTagPrefix: 'v',
  nextVersionCommand: 'bash scripts/next-version.sh',
  releaseToNpm: false,

  publishToPypi: {
    distName: 'cdk-django-fargate',
    module: 'cdk_django_fargate',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdkdjangofargate',
    mavenGroupId: 'io.github.cdkdjangofargate',
    mavenArtifactId: 'cdk-django-fargate',
  },

  // The release and certificate handlers (src/private/*-handler) run in
  // Lambda, where the AWS SDK v3 is provided; it is only needed here to
  // compile and test them.
  devDeps: [
    `aws-cdk-lib@${CDK_NEWEST}`,
    `aws-cdk-lib-floor@npm:aws-cdk-lib@${CDK_FLOOR}`,
    'aws-cdk@^2',
    'cdk-nag@~2.37.55',
    '@aws-sdk/client-ecs@^3',
    '@aws-sdk/client-acm@^3',
    '@aws-sdk/client-route-53@^3',
    'aws-sdk-client-mock@^4',
    // Deploy tests (test/integ): on the newest aws-cdk-lib only.
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    // The property-based test of the props (test/fuzz-props.test.ts).
    'fast-check@^4.10.2',
  ],

  // Lint every TypeScript file against the development tsconfig, which
  // includes src, test and examples (jsii's tsconfig.json covers src only).
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'projenrc', '.projenrc.ts'],
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
  },

  // The API of the last release, compared with jsii-diff in CI (compat task).
  compat: true,
  compatIgnore: '.compatignore',

  jestOptions: {
    // Snapshots change only on purpose, with `npx projen test:update`.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // Synthesis is CPU-bound; one worker per core. No coverage report:
      // nothing reads it, and it slows every suite.
      maxWorkers: 2,
      collectCoverage: false,
      // The compat baseline is an assembly named like this package.
      modulePathIgnorePatterns: ['<rootDir>/compat/'],
    },
  },

});

// jsii would have the development aws-cdk-lib equal the peer floor; the floor is
// tested through its alias instead (test:floor), so that warning is silenced.
project.compileTask.reset('jsii --silence-warnings=reserved-word --silence-warnings=metadata/missing-dev-dependency');

// `npx cdk-django-fargate cost cdk.out/MyStack.template.json`: the idle
// monthly cost of a synthesized template (src/cost, compiled by jsii to lib/).
project.addBins({ 'cdk-django-fargate': 'lib/cost/cli.js' });

// The development copy of constructs (the peer range stays the floor's).
project.deps.addDependency(`constructs@${CONSTRUCTS_DEV}`, DependencyType.BUILD);

project.gitignore.exclude('/.tools/', 'cdk-integ.out.*/', 'cdk.out/', 'examples/**/cdk.out/', 'examples/**/cdk.out.floor/', '*.tsbuildinfo', '.venv/', '__pycache__/', '.jsii.tabl.json', '/test/consumers/java/target/');
project.npmignore?.exclude('/.tools/', '/compat/', '/examples/', '/.ci/', '/scripts/', '/.cfnlintrc.yaml', '/.venv/', '/cdk.out/', '/rosetta/', '.jsii.tabl.json');

// Example apps and helper scripts are type-checked and linted with the tests.
project.tsconfigDev.addInclude('examples/**/*.ts');
project.tsconfigDev.addInclude('.projenrc.ts');

// The main job: synthesize the example Django environment, no AWS account needed.
const env = {
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: 'us-east-1',
  CDK_DISABLE_VERSION_CHECK: 'true',
};
// The release handler's Lambda code is the compiled JavaScript in lib/, so
// synth:example compiles first; synth:app only synthesizes (CI compiles once).
// --strict: a warning fails the synthesis, as it would for a user who sets it.
const synthApp = project.addTask('synth:app', {
  description: 'Synthesize examples/app into examples/app/cdk.out from the compiled lib/ (no compile)',
  env,
});
synthApp.exec('cdk synth --strict --quiet --no-notices --no-version-reporting --ci', { cwd: 'examples/app' });
const synthExample = project.addTask('synth:example', {
  description: 'Compile, then synthesize the example Django environment (examples/app) into examples/app/cdk.out',
});
synthExample.spawn(project.compileTask);
synthExample.spawn(synthApp);

// README and `@example` code must compile (strict jsii-rosetta, with
// rosetta/default.ts-fixture); the Python and Java translations land in
// .jsii.tabl.json, which jsii-pacmak puts into the packages' docs.
const rosettaExtract = project.addTask('rosetta:extract', {
  description: 'Compile the README and API-doc examples (strict) and translate them to Python and Java',
  exec: 'jsii-rosetta extract --strict',
});
project.postCompileTask.spawn(rosettaExtract);
// Never ship TypeScript examples in the Python or Java docs (a missing or stale
// tablet fails). package-all packages every language in one jsii-pacmak run.
for (const language of ['python', 'java']) {
  project.tasks.tryFind(`package:${language}`)!.reset(`jsii-pacmak -v --target ${language} --rosetta-unknown-snippets fail`);
}
project.tasks.tryFind('package-all')!.reset('jsii-pacmak -v --target js --target python --target java --rosetta-unknown-snippets fail');

// The per-concern suites run without aws-cdk-lib's built-in template
// validation (1.3 s and 300 MB per test file); test/builtin-validation.test.ts
// turns it on for every tested configuration.
project.testTask.env('CDK_VALIDATION', 'false');

// The same suites on the floor: jest resolves aws-cdk-lib to the
// `aws-cdk-lib-floor` alias, and tsc checks src against the floor's types (so
// nothing newer than the floor is used). The built-in validation suite needs
// the newest release and is left out.
const FLOOR_ALIAS = 'aws-cdk-lib-floor';
new JsonFile(project, 'jest.floor.json', {
  obj: {
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/builtin-validation.test.ts'],
    modulePathIgnorePatterns: ['<rootDir>/compat/'],
    moduleNameMapper: { '^aws-cdk-lib$': FLOOR_ALIAS, '^aws-cdk-lib/(.*)$': `${FLOOR_ALIAS}/$1` },
    transform: { '^.+\\.[t]sx?$': ['ts-jest', { tsconfig: 'tsconfig.dev.json' }] },
    maxWorkers: 2,
    clearMocks: true,
    reporters: ['default', ['jest-junit', { outputDirectory: 'test-reports', outputName: 'junit-floor.xml' }]],
  },
});
new javascript.TypescriptConfig(project, {
  fileName: 'tsconfig.floor.json',
  extends: javascript.TypescriptConfigExtends.fromPaths(['./tsconfig.json']),
  include: ['src/**/*.ts'],
  compilerOptions: {
    noEmit: true,
    paths: { 'aws-cdk-lib': [`./node_modules/${FLOOR_ALIAS}`], 'aws-cdk-lib/*': [`./node_modules/${FLOOR_ALIAS}/*`] },
  },
});
const testFloor = project.addTask('test:floor', {
  description: `Type-check src and run the jest suites on the aws-cdk-lib floor (${CDK_FLOOR})`,
  // The floor's own NAT instance provider passes the deprecated InstanceProps
  // keyName, and jsii prints that on every use; our deprecated uses, if any,
  // show in the newest run.
  env: { CDK_VALIDATION: 'false', JSII_DEPRECATED: 'quiet' },
});
testFloor.exec('tsc -p tsconfig.floor.json');
testFloor.exec('jest --config jest.floor.json --ci');

// Deploy tests (test/integ/integ.*.ts, @aws-cdk/integ-tests-alpha). CI checks
// offline that the apps synthesize to their committed snapshots; a maintainer
// deploys them to an account (README, "Deploy tests").
project.addTask('integ:snapshot', {
  description: 'Check that the deploy tests synthesize to their committed snapshots (offline, no deployment)',
  exec: 'bash scripts/integ-snapshot.sh',
});
project.addTask('integ:snapshot:update', {
  description: 'Rewrite the deploy tests\' snapshots (offline, no deployment): commit the result',
  exec: 'bash scripts/integ-snapshot.sh --update',
});
project.addTask('integ:deploy', {
  description: 'Deploy the deploy tests to the AWS account of your credentials, assert, destroy (needs Docker)',
  exec: 'bash scripts/integ-deploy.sh',
});

// jsii-diff against the API of the last release (compat/assembly.json): a
// change that breaks it fails CI until the major version goes up (or, before
// 1.0, the change is recorded in .compatignore with a reason). compat:baseline
// replaces it with the current assembly once a release is published.
project.tasks.tryFind('compat')!.reset('bash scripts/compat.sh');
project.addTask('compat:baseline', {
  description: 'Make the current assembly the compat baseline (after publishing a release): compat:baseline VERSION',
  exec: 'node scripts/compat-baseline.js',
  receiveArgs: true,
});

project.addTask('cfn-lint', {
  description: 'Lint the template of every tested configuration with cfn-lint (pinned)',
  exec: 'bash scripts/cfn-lint.sh',
});

// A real Django app against a real PostgreSQL and an S3/SSM emulator, all on
// 127.0.0.1, fed the variables and secrets of the synthesized task definition.
project.addTask('e2e', {
  description: 'End-to-end: the example Django app, its Celery worker and scheduled command live with the container contract (installs PostgreSQL and Valkey/Redis with apt)',
  exec: 'bash test/e2e/run.sh',
});

// The Python wheel and the Java artifact, used by a real Python CDK app and a
// real Maven project: their templates must equal the TypeScript example's.
project.addTask('test:consumers', {
  description: 'Build the Python and Java packages and check them as their users would use them',
  exec: 'bash test/consumers/run-all.sh',
});

// Fails when a build left generated files (package.json, API.md, ...) different
// from what is committed: run `npx projen build` and commit the result.
project.addTask('check:clean', {
  description: 'Fail if generated files differ from the committed ones',
  exec: 'bash scripts/check-clean.sh',
});

// The README's test command: scripts/ci.sh builds once (jsii, API.md, strict
// rosetta), then runs three lanes at once: the jest suites on both aws-cdk-lib
// versions with eslint; the packages and their Python and Java consumers; the
// example's synthesis, the end-to-end test and cfn-lint. Last, it fails if
// anything generated differs from what is committed.
project.addTask('ci', {
  description: 'Everything CI checks (the README test command)',
  exec: 'bash scripts/ci.sh',
});
project.synth();
