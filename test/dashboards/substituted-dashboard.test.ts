import { App, CfnParameter, Fn, Lazy, Stack, aws_autoscaling as autoscaling, aws_cloudwatch as cloudwatch, aws_ec2 as ec2, aws_sns as sns } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SubstitutedDashboard } from '../../src/private/substituted-dashboard';
import { flatten } from '../../src/report/private/template-values.pure';
import { TEST_ENV, importedVpc, newStack } from '../helpers';

/** The DashboardBody property of the stack's dashboards, in template order. */
function bodies(stack: Stack): any[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard')).map((r: any) => r.Properties.DashboardBody);
}

/** Widgets with a reference to a resource, an attribute, the Region, and literals that look like substitutions. */
function widgets(stack: Stack): cloudwatch.IWidget[][] {
  const group = new autoscaling.AutoScalingGroup(stack, 'Group', {
    vpc: importedVpc(stack),
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO),
    machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-12345678' }),
  });
  const cpu = new cloudwatch.Metric({
    namespace: 'AWS/EC2',
    metricName: 'CPUUtilization',
    dimensionsMap: { AutoScalingGroupName: group.autoScalingGroupName },
    label: '${PROP(\'Dim.AutoScalingGroupName\')} "cpu"',
  });
  const alarm = cpu.createAlarm(stack, 'Cpu', { threshold: 90, evaluationPeriods: 1 });
  return [
    [new cloudwatch.TextWidget({ markdown: '# ${not a variable}\nback\\slash and "quotes"', width: 24, height: 2 })],
    [new cloudwatch.GraphWidget({ title: 'CPU', left: [cpu], leftYAxis: { min: 0 } }), new cloudwatch.AlarmStatusWidget({ alarms: [alarm] })],
    [new cloudwatch.LogQueryWidget({ logGroupNames: [Fn.select(0, Fn.split('.', group.autoScalingGroupName))], queryString: 'fields @message' })],
  ];
}

describe('SubstitutedDashboard', () => {
  test('writes the body cloudwatch.Dashboard writes, as one Fn::Sub string', () => {
    const stack = newStack();
    const ours = new SubstitutedDashboard(stack, 'Ours', { periodOverride: cloudwatch.PeriodOverride.AUTO, start: '-PT6H' });
    const theirs = new cloudwatch.Dashboard(stack, 'Theirs', { periodOverride: cloudwatch.PeriodOverride.AUTO, start: '-PT6H' });
    for (const row of widgets(stack)) {
      ours.addWidgets(...row);
      theirs.addWidgets(...row);
    }
    const [sub, join] = bodies(stack);
    expect(Object.keys(sub)).toEqual(['Fn::Sub']);
    expect(Object.keys(join)).toEqual(['Fn::Join']);
    // Read back, both say the same: every widget, reference and literal in the same place.
    expect(flatten(sub)).toEqual(flatten(join));
    const text = flatten(sub);
    expect(text).toMatch(/^\{"start":"-PT6H","periodOverride":"auto","widgets":/);
    expect(text).toContain(`"markdown":${JSON.stringify('# ${not a variable}\nback\\slash and "quotes"')}`);
    expect(text).toContain(`"label":${JSON.stringify('${PROP(\'Dim.AutoScalingGroupName\')} "cpu"')}`);
  });

  test('references are written in the string, other intrinsics as variables, literal ${ escaped', () => {
    const stack = newStack();
    const dashboard = new SubstitutedDashboard(stack, 'Dash');
    for (const row of widgets(stack)) dashboard.addWidgets(...row);
    const [body] = bodies(stack);
    const [text, variables] = body['Fn::Sub'];
    const groupId = stack.getLogicalId(stack.node.findChild('Group').node.findChild('ASG') as autoscaling.CfnAutoScalingGroup);
    expect(text).toContain(`"AutoScalingGroupName","\${${groupId}}"`);
    expect(text).toMatch(/"alarms":\["\$\{Cpu[0-9A-F]+\.Arn\}"\]/);
    expect(text).toContain('"region":"${AWS::Region}"');
    expect(text).toContain('# ${!not a variable}');
    expect(text).toContain('${!PROP(');
    expect(variables).toEqual({ Var0: { 'Fn::Select': [0, { 'Fn::Split': ['.', { Ref: groupId }] }] } });
    expect(text).toContain('SOURCE \'${Var0}\' | fields @message');
  });

  test('the Region of an environment-agnostic stack is the pseudo parameter', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const dashboard = new SubstitutedDashboard(stack, 'Dash');
    dashboard.addWidgets(new cloudwatch.GraphWidget({ left: [new cloudwatch.Metric({ namespace: 'N', metricName: 'M' })] }));
    expect(bodies(stack)[0]['Fn::Sub']).toContain('"region":"${AWS::Region}"');
  });

  test('a body without references is a plain string', () => {
    const stack = newStack();
    new SubstitutedDashboard(stack, 'Dash', { widgets: [[new cloudwatch.TextWidget({ markdown: 'only ${text}', width: 6, height: 2 })]] });
    const [body] = bodies(stack);
    expect(typeof body).toBe('string');
    expect(JSON.parse(body).widgets[0].properties.markdown).toBe('only ${text}');
  });

  test('tokens resolved at synth are written in place, JSON-escaped', () => {
    const stack = newStack();
    const dashboard = new SubstitutedDashboard(stack, 'Dash');
    dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: Lazy.string({ produce: () => 'said "hi" ${x}' }), width: 6, height: 2 }));
    const [body] = bodies(stack);
    expect(JSON.parse(body).widgets[0].properties.markdown).toBe('said "hi" ${x}');
  });

  test('a reference to another stack becomes an import, and the other stack exports it', () => {
    const app = new App();
    const producer = new Stack(app, 'Producer', { env: TEST_ENV });
    const consumer = new Stack(app, 'Consumer', { env: TEST_ENV });
    const topic = new sns.Topic(producer, 'Topic');
    const dashboard = new SubstitutedDashboard(consumer, 'Dash');
    dashboard.addWidgets(new cloudwatch.GraphWidget({ left: [topic.metricNumberOfMessagesPublished()] }));
    const [text, variables] = bodies(consumer)[0]['Fn::Sub'];
    expect(text).toContain('"TopicName","${Var0}"');
    expect(Object.keys(variables.Var0)).toEqual(['Fn::ImportValue']);
    const exports = Object.values(Template.fromStack(producer).toJSON().Outputs ?? {}).map((o: any) => o.Export.Name);
    expect(exports).toContain(variables.Var0['Fn::ImportValue']);
  });

  test('widgets and variables added through any entry point appear, also after the body was first resolved', () => {
    const stack = newStack();
    const dashboard = new SubstitutedDashboard(stack, 'Dash', {
      widgets: [[new cloudwatch.TextWidget({ markdown: 'from props', width: 6, height: 2 })]],
      variables: [new cloudwatch.DashboardVariable({
        id: 'env', type: cloudwatch.VariableType.PATTERN, inputType: cloudwatch.VariableInputType.INPUT, value: 'prod', defaultValue: cloudwatch.DefaultValue.value('prod'),
      })],
    });
    stack.resolve((dashboard.node.defaultChild as cloudwatch.CfnDashboard).dashboardBody);
    dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: 'added later', width: 6, height: 2 }));
    const body = JSON.parse(bodies(stack)[0]);
    expect(body.widgets.map((w: any) => w.properties.markdown)).toEqual(['from props', 'added later']);
    expect(body.variables[0].id).toBe('env');
  });

  test('a number or list resolved by CloudFormation falls back to cloudwatch.Dashboard\'s rendering', () => {
    const stack = newStack();
    const min = new CfnParameter(stack, 'Min', { type: 'Number' });
    const dashboard = new SubstitutedDashboard(stack, 'Dash');
    dashboard.addWidgets(new cloudwatch.GraphWidget({ left: [new cloudwatch.Metric({ namespace: 'N', metricName: 'M' })], leftYAxis: { min: min.valueAsNumber } }));
    const [body] = bodies(stack);
    expect(Object.keys(body)).toEqual(['Fn::Join']);
    // The parameter stands unquoted where JSON has a number.
    expect(JSON.stringify(body)).toContain('"yAxis\\":{\\"left\\":{\\"min\\":",{"Ref":"Min"},"}');
  });
});

describe('reading an Fn::Sub body back', () => {
  test('references read as placeholders, variables as their values, ${! as a literal ${', () => {
    const body = { 'Fn::Sub': ['a ${!b} ${Group} ${Alarm.Arn} ${AWS::Region} ${Var0}', { Var0: { Ref: 'Topic' } }] };
    expect(flatten(body)).toBe('a ${b} <Group> <Alarm.Arn> <region> <Topic>');
  });
});
