import { spawn } from 'child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AgentConfig, CloudWatchAgent } from '../../src';
import { importedVpc, newStack } from '../helpers';

type Json = any;

const LINUX_CTL = '/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl';

/** An agent on a new instance, and the document its association runs, as the template holds them. */
function agentOnInstance() {
  const stack = newStack();
  const agent = new CloudWatchAgent(stack, 'Agent', { config: new AgentConfig() });
  agent.installOnInstance(new ec2.Instance(stack, 'Instance', {
    vpc: importedVpc(stack), instanceType: new ec2.InstanceType('t3.small'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
  }));
  const template = Template.fromStack(stack).toJSON();
  const documents = Object.entries<Json>(template.Resources).filter(([, r]) => r.Type === 'AWS::SSM::Document');
  expect(documents).toHaveLength(1);
  const [association] = Object.values<Json>(template.Resources).filter(r => r.Type === 'AWS::SSM::Association');
  expect(association.Properties.Name).toEqual({ Ref: documents[0][0] });
  // The association names the parameter by reference; SSM Agent receives its name.
  expect(association.Properties.Parameters).toEqual({ configurationParameter: [stack.resolve(agent.parameter.parameterName)] });
  const parameterName: string = template.Resources[stack.getLogicalId(agent.parameter.node.defaultChild as Json)].Properties.Name;
  expect(parameterName).toMatch(/^AmazonCloudWatch-/);
  return { content: documents[0][1].Properties.Content, documentType: documents[0][1].Properties.DocumentType, parameterName };
}

/** The commands of a step, with the association's parameter put in as SSM Agent does (`{{ name }}`). */
function commands(content: Json, step: string, parameters: Record<string, string>): string {
  const found = content.mainSteps.find((s: Json) => s.name === step);
  expect(found).toBeDefined();
  return (found.inputs.runCommand as string[]).join('\n')
    .replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, name: string) => parameters[name] ?? `{{${name}}}`);
}

/** Runs a shell script with a PATH, resolving with its exit code and output. */
function run(script: string, path: string): Promise<{ code: number; stderr: string }> {
  return new Promise(resolve => {
    const child = spawn('sh', ['-c', script], { env: { PATH: path } });
    let stderr = '';
    child.stderr.on('data', d => { stderr += String(d); });
    child.on('close', code => resolve({ code: code ?? -1, stderr }));
  });
}

/** A sandbox: a fake agent ctl path (absent until installed) that records its arguments. */
function sandbox() {
  const dir = mkdtempSync(join(tmpdir(), 'configure-document-'));
  const ctl = join(dir, 'amazon-cloudwatch-agent-ctl');
  const calls = join(dir, 'calls');
  const bin = join(dir, 'bin');
  const install = () => {
    writeFileSync(ctl, `#!/bin/sh\necho "$@" >> ${calls}\n`);
    chmodSync(ctl, 0o755);
  };
  return { dir, ctl, calls, bin, install };
}

const SYSTEM_PATH = '/usr/bin:/bin';

/** The Linux script with its 5-second poll cut to a tenth of a second (the loop and its count unchanged). */
function linuxScript(content: Json, parameterName: string, ctl: string): string {
  const script = commands(content, 'ConfigureAgentLinux', { configurationParameter: parameterName }).split(LINUX_CTL).join(ctl);
  expect(script).toContain('do sleep 5;');
  return script.replace('do sleep 5;', 'do sleep 0.1;');
}

describe('Agent configure document', () => {
  test('is a Command document of schema 2.2 with a Linux and a Windows step chosen by platform', () => {
    const { content, documentType } = agentOnInstance();
    expect(documentType).toBe('Command');
    expect(content.schemaVersion).toBe('2.2');
    expect(content.mainSteps.map((s: Json) => [s.action, s.precondition])).toEqual([
      ['aws:runShellScript', { StringEquals: ['platformType', 'Linux'] }],
      ['aws:runPowerShellScript', { StringEquals: ['platformType', 'Windows'] }],
    ]);
  });

  test('takes SSM parameter names only, so the name put into the scripts cannot run a command', () => {
    const { content, parameterName } = agentOnInstance();
    const pattern = new RegExp(content.parameters.configurationParameter.allowedPattern);
    expect(pattern.test(parameterName)).toBe(true);
    for (const bad of ['x; reboot', 'x" && reboot', '$(reboot)', 'a`b`', 'x\nreboot', '']) expect(pattern.test(bad)).toBe(false);
  });

  // A new instance runs the association as soon as SSM Agent is online, while its user data
  // (cloud-init) may still be installing the agent.
  test('on Linux, a first run during boot waits for user data to install the agent, then configures it from the parameter', async () => {
    const { content, parameterName } = agentOnInstance();
    const box = sandbox();
    // cloud-init still running: the user data installs the agent a second after the run starts.
    mkdirSync(box.bin);
    writeFileSync(join(box.bin, 'cloud-init'), `#!/bin/sh\n[ "$1 $2" = "status --wait" ] || exit 2\nsleep 1\nprintf '#!/bin/sh\\necho "$@" >> ${box.calls}\\n' > ${box.ctl}\nchmod 755 ${box.ctl}\n`);
    chmodSync(join(box.bin, 'cloud-init'), 0o755);
    const script = linuxScript(content, parameterName, box.ctl);
    const result = await run(script, `${box.bin}:${SYSTEM_PATH}`);
    expect(result).toEqual({ code: 0, stderr: '' });
    expect(readFileSync(box.calls, 'utf8')).toBe(`-a fetch-config -m ec2 -s -c ssm:${parameterName}\n`);
  }, 30_000);

  test('on Linux without cloud-init, it waits for the agent to appear', async () => {
    const { content, parameterName } = agentOnInstance();
    const box = sandbox();
    const script = linuxScript(content, parameterName, box.ctl);
    setTimeout(box.install, 500);
    const result = await run(script, SYSTEM_PATH);
    expect(result.code).toBe(0);
    expect(readFileSync(box.calls, 'utf8')).toBe(`-a fetch-config -m ec2 -s -c ssm:${parameterName}\n`);
  }, 30_000);

  test('fails a run on an instance where the agent never appears, saying what is missing', async () => {
    const { content, parameterName } = agentOnInstance();
    const box = sandbox();
    // The same script with its 15-minute wait cut to 15 seconds of its count (three polls).
    const script = linuxScript(content, parameterName, box.ctl).replace(/-lt 900\b/, '-lt 15');
    const result = await run(script, SYSTEM_PATH);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/The CloudWatch agent is not installed .* is missing after 15 minutes/);
    expect(existsSync(box.calls)).toBe(false);
  }, 30_000);

  test('on Windows, it waits for the agent\'s control script and service before configuring from the parameter', () => {
    const { content, parameterName } = agentOnInstance();
    const script = commands(content, 'ConfigureAgentWindows', { configurationParameter: parameterName });
    const wait = script.indexOf('while (-not ((Test-Path $ctl) -and (Get-Service AmazonCloudWatchAgent');
    const configure = script.indexOf(`& $ctl -a fetch-config -m ec2 -s -c "ssm:${parameterName}"`);
    expect(wait).toBeGreaterThan(0);
    expect(configure).toBeGreaterThan(wait);
  });
});
