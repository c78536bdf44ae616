import { Annotations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AgentConfig } from '../../agent/agent-config';
import { agentHeartbeat } from '../../agent/agent-heartbeat';
import { CloudWatchAgent } from '../../agent/cloudwatch-agent';
import { AgentOs } from '../../agent/plugins';
import { AlarmSeverity } from '../../core/alarm-routing';
import { AlarmSet } from '../../core/alarm-set';
import { ComputeTarget } from '../../core/compute-target';
import { invalid } from '../../private/validation';
import { BuiltCompute } from '../compute-options';

/**
 * Installs the CloudWatch agent on the service's compute: its parameter, log groups and role
 * grants, the install-and-start commands in the user data of instances the service creates,
 * and the State Manager association that brings configuration changes to running instances.
 * For compute that exists already, a warning says how to install it.
 */
export function installAgent(service: Construct, config: AgentConfig, compute: BuiltCompute): CloudWatchAgent {
  const agent = new CloudWatchAgent(service, 'Agent', {
    config,
    expectedInstances: compute.expectedInstances,
    expectedMaxInstances: compute.maxInstances,
    expectedAutoScalingGroups: compute.autoScalingGroup ? 1 : 0,
  });
  if (compute.role) agent.grant(compute.role);
  if (compute.userData) {
    const windowsUserData = compute.userData.render().startsWith('<powershell>');
    if (windowsUserData !== (config.os === AgentOs.WINDOWS)) {
      invalid(service, 'agent', `a ${windowsUserData ? 'windows' : 'linux'} configuration for the instances' ${windowsUserData ? 'Windows' : 'Linux'} user data`,
        `a ${config.os} configuration`);
    }
    compute.userData.addCommands(...agent.userDataCommands());
    // Configuration changes reach the running instances through State Manager.
    if (compute.autoScalingGroup) agent.rollOutToAutoScalingGroup(compute.autoScalingGroup);
    compute.instances.forEach(instance => agent.rollOutToInstance(instance));
  } else {
    Annotations.of(service).addWarningV2('cdk-watchkeeper:MonitoredService.agentNotInstalled',
      'The instances exist already, so the CloudWatch agent is not installed by this service: run the commands of '
      + '`service.agent.userDataCommands()` on them (or AWS Systems Manager\'s AmazonCloudWatch-ManageAgent with the parameter '
      + '`service.agent.parameter`)' + (compute.role ? '.' : ', and grant their role `service.agent.policy`.'));
  }
  return agent;
}

/**
 * One liveness alarm per group or instance that fires when the agent it installed stops
 * publishing while the instances run: without it, memory, disk and swap alarms (missing
 * data is not breaching) go quiet when the agent dies. Each goes into the alarm set of its
 * target.
 */
export function addAgentHeartbeats(agent: CloudWatchAgent, sets: AlarmSet[], targets: ComputeTarget[], serviceName: string): void {
  sets.forEach((set, i) => {
    const target = targets[i];
    const heartbeat = target && agentHeartbeat(agent.config, target);
    if (!heartbeat) return;
    const what = target.isAutoScalingGroup ? `instances of ${serviceName}` : `${serviceName} (${target.instance?.node.path ?? target.instanceId})`;
    set.addAlarm('AgentHeartbeat', heartbeat.metric, {
      threshold: heartbeat.threshold,
      comparisonOperator: heartbeat.comparisonOperator,
      treatMissingData: heartbeat.treatMissingData,
      evaluationPeriods: heartbeat.evaluationPeriods,
      datapointsToAlarm: heartbeat.datapointsToAlarm,
      liveness: true,
      severity: AlarmSeverity.CRITICAL,
      description: `${heartbeat.rule} on ${what}: its memory, disk and swap alarms are blind. `
        + 'Open a session (aws ssm start-session) and check the agent (amazon-cloudwatch-agent-ctl -a status, '
        + 'its log under /opt/aws/amazon-cloudwatch-agent/logs or C:\\ProgramData\\Amazon\\AmazonCloudWatchAgent\\Logs), '
        + 'and the State Manager association that configures it.',
    });
  });
}
