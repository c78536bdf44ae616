import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { decide } from './policy-engine';
import { MonitoringAccount, MonitoringAccountProps } from '../../src';

// The sink policy, evaluated by the IAM policy engine the way OAM evaluates CreateLink and
// UpdateLink from a source account: the caller's organisation (and path) and the resource
// types the link asks for are in the request context.
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchobservabilityaccessmanager.html

const ORG = 'o-a1b2c3d4e5';
const SINK = 'arn:aws:oam:eu-west-1:111111111111:sink/abcd1234-a123-4567-8901-123456789012';
const MEMBER = 'arn:aws:iam::222222222222:role/StackSetExecution';
const METRICS = 'AWS::CloudWatch::Metric';
const LOGS = 'AWS::Logs::LogGroup';

function sinkPolicy(props: Partial<MonitoringAccountProps> = {}): any {
  const stack = new Stack(new App(), 'Monitoring', { env: { account: '111111111111', region: 'eu-west-1' } });
  new MonitoringAccount(stack, 'Monitoring', { organizationId: ORG, ...props });
  return Object.values<any>(Template.fromStack(stack).findResources('AWS::Oam::Sink'))[0].Properties.Policy;
}

/**
 * A cross-account request needs both sides: the caller's role may use OAM (a StackSet
 * execution role or a deployment role may), and the sink policy must admit it.
 */
const CALLER_MAY_USE_OAM = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'oam:*', Resource: '*' }] };

function link(policy: any, context: Record<string, string | string[]>, action = 'oam:CreateLink', principal = MEMBER) {
  return decide({ principal, action, resource: SINK, context }, { identity: [CALLER_MAY_USE_OAM], resource: policy });
}

// The engine loads its IAM data on first use.
jest.setTimeout(60_000);

describe('organisation sink policy (edge: source account link → sink)', () => {
  test('allows an organisation member to create a link for the shared types or part of them', async () => {
    const policy = sinkPolicy();
    const member = { 'aws:PrincipalOrgID': ORG, 'aws:PrincipalAccount': '222222222222', 'oam:ResourceTypes': [METRICS, LOGS] };
    expect(await link(policy, member)).toEqual('Allowed');
    expect(await link(policy, { ...member, 'oam:ResourceTypes': [METRICS] })).toEqual('Allowed');
  });

  test('denies an account outside the organisation', async () => {
    const policy = sinkPolicy();
    const outsider = 'arn:aws:iam::999999999999:role/Attacker';
    expect(await link(policy, { 'aws:PrincipalOrgID': 'o-zzzzzzzzzz', 'oam:ResourceTypes': [METRICS] }, 'oam:CreateLink', outsider)).toEqual('ImplicitlyDenied');
    expect(await link(policy, { 'oam:ResourceTypes': [METRICS] }, 'oam:CreateLink', outsider)).toEqual('ImplicitlyDenied');
  });

  test('denies a link that asks for a type outside the shared list', async () => {
    const policy = sinkPolicy();
    expect(await link(policy, { 'aws:PrincipalOrgID': ORG, 'oam:ResourceTypes': [METRICS, 'AWS::XRay::Trace'] })).toEqual('ImplicitlyDenied');
  });

  test('denies every other OAM action, such as deleting the sink', async () => {
    const policy = sinkPolicy();
    expect(await link(policy, { 'aws:PrincipalOrgID': ORG, 'oam:ResourceTypes': [METRICS] }, 'oam:DeleteSink')).toEqual('ImplicitlyDenied');
  });

  test('with OU paths, allows accounts under them and denies other members of the organisation', async () => {
    const policy = sinkPolicy({ organizationalUnitPaths: [`${ORG}/r-ab12/ou-ab12-11111111/*`] });
    const under = { 'aws:PrincipalOrgID': ORG, 'aws:PrincipalOrgPaths': [`${ORG}/r-ab12/ou-ab12-11111111/ou-ab12-33333333/`], 'oam:ResourceTypes': [METRICS] };
    expect(await link(policy, under)).toEqual('Allowed');
    expect(await link(policy, { ...under, 'aws:PrincipalOrgPaths': [`${ORG}/r-ab12/ou-ab12-22222222/`] })).toEqual('ImplicitlyDenied');
  });
});
