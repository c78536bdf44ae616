import { JsonFile, awscdk, javascript } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';
import { importZones } from './projenrc/layers';

/** The oldest aws-cdk-lib our users may run (the published peer floor). */
const CDK_FLOOR = '2.263.0';
/** What we build, test and synthesize against (>= 2.268, where cdk-nag v3's synth gate runs). */
const CDK_DEV = '2.275.0';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-watchkeeper',
  description: 'Watched EC2 services for AWS CDK: CloudWatch Agent config, alarms that reach a person, recovery, scaling, idle shutdown, logs, events, audit and dashboards from one telemetry model.',
  author: 'cdk-watchkeeper maintainers',
  authorAddress: 'maintainers@cdk-watchkeeper.dev',
  repositoryUrl: 'https://github.com/cdk-watchkeeper/cdk-watchkeeper.git',
  keywords: ['aws-cdk', 'cloudwatch', 'cloudwatch-agent', 'ec2', 'monitoring', 'alarms', 'observability'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  // Compares the monitoring reports of two synths (MonitoringReport), for pull requests.
  bin: { 'cdk-watchkeeper-report': 'bin/cdk-watchkeeper-report' },
  jsiiVersion: '~6.0.0',
  stability: 'experimental',

  cdkVersion: CDK_FLOOR,
  peerDependencyOptions: { pinnedDevDependency: false },
  devDeps: [
    `aws-cdk-lib@${CDK_DEV}`,
    'constructs@^10.5.1',
    'aws-cdk@^2.1148.1',
    'cdk-nag@^3.0.2',
    'fast-check@^4.10.2',
    'aws-sdk-client-mock@^4.1.0',
    '@aws-sdk/client-ec2@^3',
    '@aws-sdk/client-cloudwatch@^3',
    '@aws-sdk/client-sns@^3',
    'cdk-monitoring-constructs@^10.2.0',
    'ts-node@^10.9.2',
    // Jest's TypeScript transform (type checking is ESLint's and jsii's job): a tenth of ts-jest's time.
    // The coverage plugin is a WebAssembly plugin built for a range of swc releases: both pinned.
    '@swc/core@1.16.22',
    '@swc/jest@^0',
    'swc-plugin-coverage-instrument@0.0.33',
    // Test-only (AGPL-3.0-or-later, never bundled or published): a real IAM policy engine for test/proof.
    '@cloud-copilot/iam-simulate@^0.1.173',
  ],

  // This repository is built and gated by .ci/run; no hosted workflows.
  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,

  lambdaOptions: {
    runtime: awscdk.LambdaRuntime.NODEJS_24_X,
    bundlingOptions: { externals: ['@aws-sdk/*'], sourcemap: false },
  },

  jestOptions: {
    updateSnapshot: UpdateSnapshot.NEVER,
    jestConfig: {
      maxWorkers: 2,
      // Istanbul counters (written by swc's plugin, see the transform below) in our own files
      // only; V8's coverage counts every block of aws-cdk-lib too, which made each suite about
      // 60 % slower (25 % with istanbul).
      coverageProvider: 'babel',
      // Coverage of the library, not of the tests, benchmarks and examples that run it:
      // instrumenting those as well made every test slower and the number meaningless.
      collectCoverageFrom: ['<rootDir>/src/**/*.ts'],
      // aws-cdk-lib's CloudFormation validation runs in one suite of its own (see the file).
      setupFiles: ['<rootDir>/test/helpers/jest-setup.ts'],
      coverageReporters: ['text-summary', 'lcov'],
      testPathIgnorePatterns: ['/node_modules/', '/cdk.out/'],
      watchPathIgnorePatterns: ['/node_modules/', '/cdk.out/'],
    },
  },

  publishToPypi: {
    distName: 'cdk-watchkeeper',
    module: 'cdk_watchkeeper',
  },
  publishToMaven: {
    javaPackage: 'dev.cdkwatchkeeper',
    mavenGroupId: 'dev.cdk-watchkeeper',
    mavenArtifactId: 'cdk-watchkeeper',
  },
  publishToNuget: {
    dotNetNamespace: 'CdkWatchkeeper',
    packageId: 'CdkWatchkeeper',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-watchkeeper/cdk-watchkeeper-go',
  },

  gitignore: ['/node_modules', 'cdk.out/', 'cdk.out.fleet/', 'cdk.out.org/', 'cdk.out.python/', 'cdk.out.ts-compare/', 'examples/java/target/', '.integ-venv/', '.logs-venv/', '.venv/', '.ci-venv/', '/assets/', '.jsii.tabl.json', '__pycache__/'],
  npmignoreEnabled: true,
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'build-tools', 'projenrc', '.projenrc.ts'],
    commandOptions: { fix: false },
  },
});

// projen ignores every folder named `logs`; only the root one holds log files.
project.gitignore.removePatterns('logs');
project.gitignore.exclude('/logs/');
project.npmignore?.removePatterns('logs');
project.npmignore?.exclude('/logs/', '/cdk.out/', '/cdk.out.fleet/', '/cdk.out.org/', '/examples/', '/bench/', '/docs/', '/rosetta/', '/.ci/', '/.ci-venv/', '/cdk.json');

// Pure decision modules (*.pure.ts) hold the logic of Lambda handlers and of synth-time
// calculations. They must stay free of I/O so they can be tested as plain functions.
project.eslint?.addOverride({
  files: ['src/**/*.pure.ts'],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [
        { group: ['@aws-sdk/*'], message: 'Pure decision modules must not call AWS: use the handler\'s port.' },
        { group: ['aws-cdk-lib', 'aws-cdk-lib/*'], message: 'Pure decision modules must not depend on the CDK.' },
        { group: ['constructs'], message: 'Pure decision modules must not depend on constructs.' },
      ],
    }],
  },
});

// Layers: imports only go downwards, and a folder's private/ is imported only from that
// folder. The table lives in projenrc/layers.ts, which the lint test reads too.
project.eslint?.addRules({ 'import/no-restricted-paths': ['error', { zones: importZones() }] });

// Type-aware rules (no-floating-promises, return-await) need a TypeScript program. By default each
// tsconfig is one (src, test, projenrc), and each loaded and bound aws-cdk-lib's declarations
// again: one program over every linted file, 71.8 → 66.9 CPU s back to back on the 2-core machine.
new JsonFile(project, 'tsconfig.eslint.json', {
  obj: {
    extends: './tsconfig.json',
    compilerOptions: { noEmit: true, rootDir: '.', isolatedModules: true },
    include: ['src/**/*.ts', 'test/**/*.ts', 'projenrc/**/*.ts', '.projenrc.ts'],
    exclude: ['node_modules'],
  },
});
const eslintrc = project.tryFindObjectFile('.eslintrc.json')!;
eslintrc.addDeletionOverride('parserOptions.projectService');
eslintrc.addOverride('parserOptions.project', ['./tsconfig.eslint.json']);
eslintrc.addOverride('settings.import/resolver.typescript.project', './tsconfig.eslint.json');

// One lint task (projen's `eslint`): it reports and never fixes, so the gate cannot fix
// itself into green (.ci/run sets CI too). Fix on your machine with `npx projen eslint --fix`.
const eslintTask = project.eslint!.eslintTask;

// The Node.js versions CI runs the tests on (20 is past end of life; 22 and 24 are current).
project.package.addField('engines', { node: '^20.0.0 || ^22.0.0 || ^24.0.0' });

// Lambda bundles are build outputs: tests and the example app need them, so bundle first.
const bundle = project.tasks.tryFind('bundle')!;
project.testTask.reset();
// The *.test.ts files run in one jest suite per worker, test/<name>.suite.ts (see
// test/helpers/suites.ts): one suite per file loaded and warmed up aws-cdk-lib 80 times.
project.package.file.addOverride('jest.testMatch', ['<rootDir>/test/*.suite.ts']);
// TypeScript is transpiled by swc (the test tsconfig has isolatedModules, so nothing needs the
// type checker), and instrumented for coverage by swc's istanbul plugin in the same pass, on the
// TypeScript source: instrumenting swc's output again with Babel took twice the CPU time.
project.package.file.addOverride('jest.transform', {
  '^.+\\.[t]sx?$': ['@swc/jest', {
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    experimental: { customCoverageInstrumentation: { enabled: true } },
  }],
});

// `npm test` runs the tests: jest, with coverage. ESLint is a gate of its own (`npx projen
// eslint`): CI runs it beside the other gates, and `npx projen build` after compiling. Beside jest
// it took 60 of the 2-core machine's 280 CPU seconds of a fresh-clone `npm test`.
project.postCompileTask.spawn(eslintTask);
// swc compiles its coverage plugin (WebAssembly) on first use and caches it in .swc/: on a fresh
// clone each jest worker compiled it at once (about 5 CPU s each). Compiled once before jest.
const warmCoveragePlugin = project.addTask('test:coverage-plugin', {
  description: 'Compile swc\'s coverage plugin into .swc/ once, before the jest workers need it',
  exec: 'node -e "require(\'@swc/core\').transformSync(\'\', { filename: \'warm.ts\', jsc: { parser: { syntax: \'typescript\' }, '
    + 'experimental: { plugins: [[\'swc-plugin-coverage-instrument\', {}]] } } })"',
});
// Bundling and the plugin's compilation (about 5 s each on a fresh clone) run side by side on
// the two cores; then jest. Arguments go to jest (`npm test -- --json ...`). Synthesizing apps
// allocates many short-lived objects: a young generation of 64 MB (Node.js's default is 16) spends
// less time collecting them, which took the jest run from about 122 to 109 s (and 198 to 178 CPU
// s) on the 2-core machine.
project.testTask.exec([
  'bash -c \'export NODE_OPTIONS="${NODE_OPTIONS:-} --max-semi-space-size=64";',
  `npx projen ${warmCoveragePlugin.name} & warm=$!; npx projen ${bundle.name} && wait $warm`,
  '&& exec jest --passWithNoTests --ci "$@"\' jest',
].join(' '), { receiveArgs: true });

// README and JSDoc examples must compile in every language.
project.addTask('rosetta:strict', {
  description: 'Compile every README/JSDoc example against rosetta/default.ts-fixture',
  exec: 'jsii-rosetta extract --strict --fail',
});

// No .NET SDK is needed to publish the .NET sources: generate them, the release pipeline builds them.
project.tasks.tryFind('package:dotnet')!.reset('jsii-pacmak -v --target dotnet --code-only');

// Integration tests against moto's server (a local AWS emulator from PyPI) on loopback.
// The install is a task of its own so CI can start it early, beside the unit tests.
const integSetup = project.addTask('test:integ:setup', { description: 'Installs moto\'s server into .integ-venv (once)' });
integSetup.exec('test -x .integ-venv/bin/moto_server || (python3 -m venv .integ-venv && .integ-venv/bin/pip install --quiet --disable-pip-version-check "moto[server]>=5,<6")');
const integ = project.addTask('test:integ', { description: 'Idle shutdown against a local AWS emulator (moto), installed into .integ-venv' });
integ.spawn(integSetup);
integ.exec("jest --ci --coverage=false --testMatch '<rootDir>/test/integ/**/*.moto.ts'");

// Benchmarks print numbers; they are never timed unit tests.
project.addTask('bench:scale', {
  description: 'Synth time, memory and template footprint per service vs cdk-monitoring-constructs',
  exec: 'ts-node --transpile-only -P examples/tsconfig.json bench/scale/bench.ts',
});
project.addTask('bench:paired', {
  description: 'Per-service synth time vs cdk-monitoring-constructs, the variants built in turn in one process (ratio per round)',
  exec: 'node --expose-gc --max-old-space-size=8192 node_modules/ts-node/dist/bin.js --transpile-only -P examples/tsconfig.json bench/scale/paired.ts',
});
project.addTask('bench:idle', {
  description: 'One idle-shutdown run over 10,000 instances against a simulated API, vs one call per instance and metric',
  exec: 'node --expose-gc node_modules/ts-node/dist/bin.js --transpile-only -P examples/tsconfig.json bench/idle/bench.ts',
});
project.addTask('bench:fleet-cost', {
  description: 'Per-service alarms against fleet alarms for 200 services: resources, monthly estimate, redeploys',
  exec: 'node --max-old-space-size=8192 node_modules/ts-node/dist/bin.js --transpile-only -P examples/tsconfig.json bench/scale/fleet-cost.ts 200',
});
project.addTask('synth:org', {
  description: 'Synthesize the organisation example (monitoring account and source-link StackSet per Region) offline into cdk.out.org',
  exec: "cdk synth --app 'npx ts-node --project examples/tsconfig.json --prefer-ts-exts examples/org-app.ts' -o cdk.out.org --quiet",
});
project.addTask('bench:org', {
  description: 'Monitoring-account resources and cost for 1 to 1,000 source accounts',
  exec: 'ts-node --transpile-only -P examples/tsconfig.json bench/org/accounts.ts',
});
project.addTask('bench:rehearse', {
  description: 'Rehearsal speed: a week of the example app at 1-minute steps, and 200 services in fleet mode',
  exec: 'node --max-old-space-size=8192 node_modules/ts-node/dist/bin.js --transpile-only -P examples/tsconfig.json bench/rehearse/bench.ts',
});
const bench = project.addTask('bench', { description: 'Run every benchmark and print its table' });
bench.spawn(project.tasks.tryFind('bench:scale')!);
bench.spawn(project.tasks.tryFind('bench:paired')!);
bench.spawn(project.tasks.tryFind('bench:idle')!);
bench.spawn(project.tasks.tryFind('bench:fleet-cost')!);
bench.spawn(project.tasks.tryFind('bench:org')!);
bench.spawn(project.tasks.tryFind('bench:rehearse')!);

project.synth();
