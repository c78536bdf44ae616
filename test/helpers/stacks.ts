import { App, Stack, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AlertTopic, AlertTopicProps } from '../../src';

/** A fixed environment, so templates (ARNs, AZs) are the same on every machine. */
export const TEST_ENV = { account: '123456789012', region: 'us-east-1' };

/** A new app and stack for one test, in the fixed test environment. */
export function newStack(id = 'TestStack'): Stack {
  const app = new App();
  return new Stack(app, id, { env: TEST_ENV });
}

/** The address the tests' alert topics page. */
export const ONCALL_EMAIL = 'oncall@example.com';

/** The tests' alert topic, `Alerts`, paging the on-call address unless the props say otherwise. */
export function newAlertTopic(stack: Stack, props: AlertTopicProps = {}): AlertTopic {
  return new AlertTopic(stack, 'Alerts', { emails: [ONCALL_EMAIL], ...props });
}

/** An existing VPC with two private and two public subnets, creating no resource. */
export function importedVpc(scope: Construct): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(scope, 'ImportedVpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
    publicSubnetIds: ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'],
  });
}

/** What most service tests start from: a stack, an imported VPC and the alert topic. */
export interface ServiceStack {
  readonly stack: Stack;
  readonly vpc: ec2.IVpc;
  readonly alerts: AlertTopic;
}

/** A new stack with an imported VPC and the tests' alert topic. */
export function newServiceStack(alertTopic: AlertTopicProps = {}): ServiceStack {
  const stack = newStack();
  return { stack, vpc: importedVpc(stack), alerts: newAlertTopic(stack, alertTopic) };
}
