// The example's workload: a web API on an Auto Scaling group and a batch worker on a single
// instance, both watched, in a VPC that passes the compliance packs.
import {
  ArnFormat, Duration,
  RemovalPolicy, Stack, Validations,
  aws_ec2 as ec2,
  aws_iam as iam,
  aws_kms as kms,
  aws_logs as logs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AgentConfig, AgentLogFilter, AgentPlugin, IAlertTopic, IdleShutdown, MaintenanceWindow, MonitoredService, ServiceCompute } from '../src';

/** What {@link addExampleServices} built. */
export interface ExampleServices {
  readonly vpc: ec2.Vpc;
  readonly api: MonitoredService;
  readonly worker: MonitoredService;
}

/**
 * Adds the example VPC (private subnets, flow logs to an encrypted log group, default
 * security group closed), a web API on an Auto Scaling group with CPU and business-hours
 * scaling and a dashboard, and a batch worker instance.
 */
export function addExampleServices(scope: Construct, alertTopic: IAlertTopic, idleShutdown?: IdleShutdown): ExampleServices {
  const region = Stack.of(scope).region;

  // One key for the example's log groups; CloudWatch Logs of this Region may use it.
  const logKey = new kms.Key(scope, 'LogKey', { description: 'Encrypts the example service logs', enableKeyRotation: true });
  // Only log groups of this account and Region may use the key (CloudWatch Logs sends the
  // group's ARN as encryption context).
  logKey.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal(`logs.${region}.amazonaws.com`)],
    actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
    resources: ['*'],
    conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Stack.of(scope).formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) } },
  }));
  const logGroup = (id: string, logGroupName: string) => new logs.LogGroup(scope, id, {
    logGroupName,
    encryptionKey: logKey,
    retention: logs.RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.RETAIN,
  });

  const vpc = new ec2.Vpc(scope, 'Vpc', {
    maxAzs: 2,
    natGateways: 1,
    restrictDefaultSecurityGroup: true,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
      { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    ],
  });
  // The public subnets hold only the NAT gateway (no instance, no public IP assigned on
  // launch); their route to the internet gateway is what gives private subnets egress.
  for (const subnet of vpc.publicSubnets) {
    const route = subnet.node.findChild('DefaultRoute');
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']) {
      Validations.of(route).acknowledge({
        id: `${pack}-VPCNoUnrestrictedRouteToIGW`,
        reason: 'Public subnet of the NAT gateway only: instances run in private subnets without public addresses.',
      });
    }
  }
  const flowLogGroup = logGroup('FlowLogGroup', '/example/vpc-flow-logs');
  const flowLogRole = new iam.Role(scope, 'FlowLogRole', { assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com') });
  new iam.ManagedPolicy(scope, 'FlowLogPolicy', {
    roles: [flowLogRole],
    statements: [new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      // The log group's ARN attribute ends in `:*`, which covers its streams.
      resources: [flowLogGroup.logGroupArn],
    })],
  });
  vpc.addFlowLog('FlowLogs', {
    // The role's permissions are the managed policy above, not grants added inline.
    destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup, flowLogRole.withoutPolicyUpdates()),
  });

  const api = new MonitoredService(scope, 'Api', {
    vpc,
    alertTopic,
    serviceName: 'orders-api',
    alarms: { owner: 'orders-team', runbookUrl: 'https://wiki.example.com/runbooks/orders-api' },
    compute: ServiceCompute.newAutoScalingGroup({ minCapacity: 2, maxCapacity: 6 }),
    logGroups: [logGroup('ApiLogs', '/example/orders-api')],
    // The agent: memory, swap and root disk (rolled up per group), busy CPU and TCP
    // connections, and the access log without health checks.
    agent: new AgentConfig({
      additionalMetrics: [AgentPlugin.cpu(), AgentPlugin.netstat()],
      logFiles: [{
        filePath: '/var/log/orders-api/access.log',
        logGroupName: '/example/orders-api/access',
        filters: [AgentLogFilter.exclude('GET /health')],
      }],
    }),
  });
  api.scaleOnCpuUtilization('CpuScaling', { targetUtilizationPercent: 50 });
  api.scaleOnMemoryUtilization('MemoryScaling', { targetUtilizationPercent: 70 });
  api.scaleOnBusinessHours('BusinessHours', {
    timeZone: 'Europe/Berlin',
    duringHours: { minCapacity: 2 },
    outsideHours: { minCapacity: 1 },
  });
  // Sunday-night patching: the API's alarms are muted for an hour (they keep evaluating).
  new MaintenanceWindow(scope, 'ApiPatching', { schedule: 'cron(0 3 * * SUN)', duration: Duration.hours(1), timeZone: 'Europe/Berlin', services: [api] });

  const worker = new MonitoredService(scope, 'Worker', {
    vpc,
    alertTopic,
    serviceName: 'batch-worker',
    alarms: { owner: 'batch-team' },
    compute: ServiceCompute.newInstance({ instanceType: new ec2.InstanceType('t3.medium') }),
    logGroups: [logGroup('WorkerLogs', '/example/batch-worker')],
    agent: new AgentConfig({
      additionalMetrics: [AgentPlugin.procstat({ exe: 'batch-worker' })],
      logFiles: [{
        filePath: '/var/log/batch-worker/*.log',
        logGroupName: '/example/batch-worker/jobs',
        timestampFormat: '%Y-%m-%dT%H:%M:%S',
        multiLineStartPattern: '{timestamp_format}',
      }],
    }),
    eventNotifications: true,
    idleShutdown,
  });

  return { vpc, api, worker };
}
