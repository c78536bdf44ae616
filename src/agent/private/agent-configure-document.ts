import { Stack, aws_ssm as ssm } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

const DOCUMENT_ID = 'WatchkeeperAgentConfigureDocument';

/** The document's one parameter: the SSM parameter holding the agent configuration. */
export const CONFIGURATION_PARAMETER = 'configurationParameter';

/** How long a run waits for the agent to be installed (a new instance's user data installs it). */
const WAIT_SECONDS = 900;

const LINUX_CTL = '/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl';

/**
 * The Command document State Manager runs to apply an agent configuration: wait until the
 * agent is installed, then `fetch-config` from the parameter and restart the agent, the same
 * command the user data runs.
 *
 * Why the wait: State Manager runs an association on a new instance as soon as SSM Agent on it
 * comes online ("For dynamic targets, such as an Amazon Web Services resource group or an
 * Amazon Web Services autoscaling group, State Manager ... applies the configuration when new
 * managed nodes are added to the group", https://docs.aws.amazon.com/cli/latest/reference/ssm/create-association.html),
 * which is while its user data may still be installing the CloudWatch agent: AWS's
 * `AmazonCloudWatch-ManageAgent` then fails for want of `amazon-cloudwatch-agent-ctl`, and the
 * association shows Failed until its next scheduled run. So on Linux a run first waits for
 * cloud-init to finish (`cloud-init status --wait`, which returns at once on an instance that
 * booted long ago: https://cloudinit.readthedocs.io/en/latest/reference/cli.html#status) and
 * then, on any Linux and on Windows, for the agent to be installed, up to 15 minutes; it
 * fails with a message that says what is missing when the agent never appears.
 *
 * The parameter name is interpolated into the scripts, so the document only accepts SSM
 * parameter names (`allowedPattern`); steps are chosen by `precondition` on `platformType`
 * (schema 2.2 cross-platform support,
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-schemas-features.html).
 *
 * One per stack serves every agent in it (the parameter is the association's parameter).
 *
 * @internal
 */
export function agentConfigureDocument(scope: IConstruct): ssm.CfnDocument {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild(DOCUMENT_ID) as ssm.CfnDocument | undefined;
  if (existing) return existing;
  return new ssm.CfnDocument(stack, DOCUMENT_ID, {
    documentType: 'Command',
    content: configureDocumentContent(),
  });
}

/** The document's content (schema 2.2). */
export function configureDocumentContent(): Record<string, unknown> {
  const source = `ssm:{{ ${CONFIGURATION_PARAMETER} }}`;
  const minutes = WAIT_SECONDS / 60;
  return {
    schemaVersion: '2.2',
    description: 'Applies a CloudWatch agent configuration from an SSM parameter and restarts the agent, '
      + `waiting up to ${minutes} minutes for the agent to be installed (a new instance's user data installs it).`,
    parameters: {
      [CONFIGURATION_PARAMETER]: {
        type: 'String',
        description: 'The SSM parameter holding the CloudWatch agent configuration',
        allowedPattern: '^[a-zA-Z0-9_.\\-/]{1,1011}$',
      },
    },
    mainSteps: [
      {
        action: 'aws:runShellScript',
        name: 'ConfigureAgentLinux',
        precondition: { StringEquals: ['platformType', 'Linux'] },
        inputs: {
          timeoutSeconds: String(WAIT_SECONDS * 2 + 300),
          runCommand: [
            '#!/bin/sh',
            `ctl=${LINUX_CTL}`,
            '# A new instance runs this while its user data may still be installing the agent.',
            `if command -v cloud-init >/dev/null 2>&1; then timeout ${WAIT_SECONDS} cloud-init status --wait >/dev/null 2>&1 || true; fi`,
            'waited=0',
            `while [ ! -x "$ctl" ] && [ "$waited" -lt ${WAIT_SECONDS} ]; do sleep 5; waited=$((waited + 5)); done`,
            `if [ ! -x "$ctl" ]; then echo "The CloudWatch agent is not installed ($ctl is missing after ${minutes} minutes): install it, `
              + 'for example with the commands of CloudWatchAgent.userDataCommands()" >&2; exit 1; fi',
            `"$ctl" -a fetch-config -m ec2 -s -c "${source}"`,
          ],
        },
      },
      {
        action: 'aws:runPowerShellScript',
        name: 'ConfigureAgentWindows',
        precondition: { StringEquals: ['platformType', 'Windows'] },
        inputs: {
          timeoutSeconds: String(WAIT_SECONDS + 300),
          runCommand: [
            '$ctl = "$env:ProgramFiles\\Amazon\\AmazonCloudWatchAgent\\amazon-cloudwatch-agent-ctl.ps1"',
            '# A new instance runs this while its user data may still be installing the agent.',
            `$deadline = (Get-Date).AddSeconds(${WAIT_SECONDS})`,
            'while (-not ((Test-Path $ctl) -and (Get-Service AmazonCloudWatchAgent -ErrorAction SilentlyContinue)) -and ((Get-Date) -lt $deadline)) { Start-Sleep -Seconds 5 }',
            `if (-not (Test-Path $ctl)) { Write-Error "The CloudWatch agent is not installed ($ctl is missing after ${minutes} minutes): install it, `
              + 'for example with the commands of CloudWatchAgent.userDataCommands()"; exit 1 }',
            `& $ctl -a fetch-config -m ec2 -s -c "${source}"`,
          ],
        },
      },
    ],
  };
}
