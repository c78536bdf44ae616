import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { constructsTemplate } from './construct-stacks';
import { exampleTemplate } from './example-app';
import { OrgMonitoringStack, REGIONS } from '../../examples/org';

// aws-cdk-lib's own CloudFormation validation (resource schemas and rules, run at synth),
// with its findings as errors (`@aws-cdk/core:validateAgainstDefaultRules`): by default it
// only prints them. The other suites turn it off (test/helpers/jest-setup.ts); this one turns
// it back on for the apps that hold every construct.
const STRICT = { '@aws-cdk/core:validateAgainstDefaultRules': true };

const CONTEXT = process.env.CDK_CONTEXT_JSON;
const VALIDATION = process.env.CDK_VALIDATION;

beforeAll(() => {
  delete process.env.CDK_VALIDATION;
  // Read by every App created from here on (the helpers below create their own), with the
  // context every test App reads (test/helpers/jest-setup.ts).
  process.env.CDK_CONTEXT_JSON = JSON.stringify({ ...JSON.parse(CONTEXT ?? '{}'), ...STRICT });
});

// The files that run after this one in the same jest suite get the settings back.
afterAll(() => {
  if (CONTEXT === undefined) delete process.env.CDK_CONTEXT_JSON;
  else process.env.CDK_CONTEXT_JSON = CONTEXT;
  if (VALIDATION === undefined) delete process.env.CDK_VALIDATION;
  else process.env.CDK_VALIDATION = VALIDATION;
});

describe('CloudFormation validation', () => {
  test('fails synth on a template CloudFormation would reject (the gate runs)', () => {
    const app = new App();
    new CfnResource(new Stack(app, 'Bad'), 'Topic', { type: 'AWS::SNS::Topic', properties: { NoSuchProperty: 'x' } });
    expect(() => app.synth()).toThrow(/NoSuchProperty/);
  });

  test('the example app passes with findings as errors', () => {
    expect(exampleTemplate().Resources).toBeDefined();
  });

  test('a stack of every construct and its options passes with findings as errors', () => {
    expect(constructsTemplate().Resources).toBeDefined();
  });

  test('the organisation example passes with findings as errors', () => {
    const app = new App();
    for (const region of REGIONS) new OrgMonitoringStack(app, `WatchkeeperOrg-${region}`, { region });
    expect(app.synth().stacks).toHaveLength(REGIONS.length);
  });
});
