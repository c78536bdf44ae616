import { Duration, Stack, aws_autoscaling as autoscaling, aws_cloudwatch as cloudwatch, aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2 } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { BusinessHoursScaling, ScalingStep, StepScaling, TargetTrackingScaling, TrackedMetric } from '../../src';
import { expectNagClean, FakeAgentMetrics, importedVpc, newStack } from '../helpers';

function group(stack: Stack, vpc?: ec2.IVpc): autoscaling.AutoScalingGroup {
  return new autoscaling.AutoScalingGroup(stack, 'Group', {
    vpc: vpc ?? importedVpc(stack),
    instanceType: new ec2.InstanceType('t3.micro'),
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    minCapacity: 1,
    maxCapacity: 4,
  });
}

const queueDepth = new cloudwatch.Metric({ namespace: 'MyApp/Worker', metricName: 'QueueDepth', statistic: 'Average' });

describe('TargetTrackingScaling', () => {
  test('tracks average CPU with the predefined metric and the group warmup', () => {
    const stack = newStack();
    new TargetTrackingScaling(stack, 'Cpu', { autoScalingGroup: group(stack), metric: TrackedMetric.cpuUtilization(), targetValue: 50 });
    Template.fromStack(stack).hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      EstimatedInstanceWarmup: Match.absent(),
      TargetTrackingConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' },
        TargetValue: 50,
      },
    });
  });

  test('tracks the agent memory metric aggregated per group, through the telemetry model', () => {
    const stack = newStack();
    const g = group(stack);
    new TargetTrackingScaling(stack, 'Memory', {
      autoScalingGroup: g,
      metric: TrackedMetric.memoryUtilization(new FakeAgentMetrics()),
      targetValue: 70,
      estimatedInstanceWarmup: Duration.minutes(3),
      disableScaleIn: true,
    });
    Template.fromStack(stack).hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      EstimatedInstanceWarmup: 180,
      TargetTrackingConfiguration: {
        CustomizedMetricSpecification: {
          Namespace: 'CWAgent',
          MetricName: 'mem_used_percent',
          Dimensions: [{ Name: 'AutoScalingGroupName', Value: { Ref: Match.stringLikeRegexp('^GroupASG') } }],
          Statistic: 'Average',
        },
        TargetValue: 70,
        DisableScaleIn: true,
      },
    });
  });

  test('tracks ALB requests per target with the load balancer/target group resource label', () => {
    const stack = newStack();
    const vpc = importedVpc(stack);
    const g = group(stack, vpc);
    const lb = new elbv2.ApplicationLoadBalancer(stack, 'Lb', { vpc });
    const listener = lb.addListener('Http', { port: 80 });
    const targetGroup = listener.addTargets('App', { port: 8080, targets: [g] });
    new TargetTrackingScaling(stack, 'Requests', { autoScalingGroup: g, metric: TrackedMetric.requestCountPerTarget(targetGroup), targetValue: 1000 });
    // app/<lb>/<id> (from the listener ARN) + '/' + targetgroup/<tg>/<id>
    const part = (i: number) => ({ 'Fn::Select': [i, { 'Fn::Split': ['/', { Ref: Match.stringLikeRegexp('^LbHttp') }] }] });
    Template.fromStack(stack).hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      TargetTrackingConfiguration: Match.objectLike({
        PredefinedMetricSpecification: {
          PredefinedMetricType: 'ALBRequestCountPerTarget',
          ResourceLabel: { 'Fn::Join': ['', [part(1), '/', part(2), '/', part(3), '/', { 'Fn::GetAtt': [Match.stringLikeRegexp('^LbHttpAppGroup'), 'TargetGroupFullName'] }]] },
        },
        TargetValue: 1000,
      }),
    });
  });

  test('tracks a custom metric', () => {
    const stack = newStack();
    new TargetTrackingScaling(stack, 'Queue', { autoScalingGroup: group(stack), metric: TrackedMetric.custom(queueDepth), targetValue: 100 });
    Template.fromStack(stack).hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      TargetTrackingConfiguration: Match.objectLike({
        CustomizedMetricSpecification: Match.objectLike({ Namespace: 'MyApp/Worker', MetricName: 'QueueDepth' }),
        TargetValue: 100,
      }),
    });
  });

  test.each([
    ['CPU', () => TrackedMetric.cpuUtilization(), 0, /Cpu: targetValue must be a CPU utilization target greater than 0 and at most 100 \(percent\), got 0/],
    ['CPU', () => TrackedMetric.cpuUtilization(), 140, /got 140/],
    ['memory', () => TrackedMetric.memoryUtilization(new FakeAgentMetrics()), -5, /memory utilization target greater than 0 and at most 100/],
    ['a custom metric', () => TrackedMetric.custom(queueDepth), 0, /targetValue must be a metric target greater than 0, got 0/],
  ])('fails on a %s target of %p', (_what, metric, targetValue, message) => {
    const stack = newStack();
    expect(() => new TargetTrackingScaling(stack, 'Cpu', { autoScalingGroup: group(stack), metric: metric(), targetValue })).toThrow(message);
  });

  test('fails on a warmup over an hour', () => {
    const stack = newStack();
    expect(() => new TargetTrackingScaling(stack, 'Cpu', {
      autoScalingGroup: group(stack), metric: TrackedMetric.cpuUtilization(), targetValue: 50, estimatedInstanceWarmup: Duration.hours(2),
    })).toThrow(/estimatedInstanceWarmup must be at most 1 hour, got '2 hours'/);
  });
});

describe('StepScaling', () => {
  const steps: ScalingStep[] = [
    { upper: 10, change: -1 },
    { lower: 10, upper: 100, change: 0 },
    { lower: 100, upper: 500, change: 2 },
    { lower: 500, change: 5 },
  ];

  test('creates a step policy and the alarms that drive it', () => {
    const stack = newStack();
    new StepScaling(stack, 'Queue', { autoScalingGroup: group(stack), metric: queueDepth, steps, evaluationPeriods: 3 });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::AutoScaling::ScalingPolicy', 2);
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'StepScaling',
      AdjustmentType: 'ChangeInCapacity',
      StepAdjustments: Match.arrayWith([Match.objectLike({ MetricIntervalLowerBound: 400, ScalingAdjustment: 5 })]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 100,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('UpperPolicy') }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 10, ComparisonOperator: 'LessThanOrEqualToThreshold' });
  });

  test.each([
    ['one step', [{ change: 1 }], /steps must be a list of 2 to 20 steps, got '1 steps'/],
    ['overlapping steps', [{ upper: 20, change: 0 }, { lower: 10, change: 1 }], /steps\[1\] must be a band that does not overlap steps\[0\] \(which ends at 20\), got \{"lower":10\}/],
    ['a gap', [{ upper: 10, change: 0 }, { lower: 20, change: 1 }], /steps\[1\] must be a band that starts where steps\[0\] ends \(10\), leaving no gap/],
    ['an open middle step', [{ upper: 10, change: -1 }, { lower: 10, change: 0 }, { lower: 20, change: 1 }], /steps\[1\].upper must be set on every step but the last/],
    ['a missing lower bound', [{ upper: 10, change: -1 }, { upper: 20, change: 1 }], /steps\[1\].lower must be set on every step but the first/],
    ['an empty band', [{ upper: 10, change: -1 }, { lower: 10, upper: 10, change: 0 }, { lower: 10, change: 1 }], /steps\[1\] must be a band whose lower bound is below its upper bound/],
    ['a fractional change', [{ upper: 10, change: -0.5 }, { lower: 10, change: 1 }], /steps\[0\].change must be a whole number, got -0.5/],
    ['no change at all', [{ upper: 10, change: 0 }, { lower: 10, change: 0 }], /at least one step that changes capacity/],
    ['scale-out below scale-in', [{ upper: 10, change: 1 }, { lower: 10, change: -1 }], /steps removing capacity lie below steps adding it/],
  ])('fails on %s', (_what, badSteps, message) => {
    const stack = newStack();
    expect(() => new StepScaling(stack, 'Queue', { autoScalingGroup: group(stack), metric: queueDepth, steps: badSteps })).toThrow(message);
  });

  test('fails when datapointsToAlarm exceeds evaluationPeriods', () => {
    const stack = newStack();
    expect(() => new StepScaling(stack, 'Queue', { autoScalingGroup: group(stack), metric: queueDepth, steps, evaluationPeriods: 2, datapointsToAlarm: 3 }))
      .toThrow(/datapointsToAlarm must be a whole number between 1 and 2, got 3/);
  });
});

describe('BusinessHoursScaling', () => {
  test('two scheduled actions in the time zone, weekdays 08:00 and 18:00 by default', () => {
    const stack = newStack();
    new BusinessHoursScaling(stack, 'Office', {
      autoScalingGroup: group(stack),
      timeZone: 'Europe/Berlin',
      duringHours: { minCapacity: 2, maxCapacity: 10 },
      outsideHours: { minCapacity: 1, maxCapacity: 2, desiredCapacity: 1 },
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::AutoScaling::ScheduledAction', {
      Recurrence: '0 8 * * MON-FRI', TimeZone: 'Europe/Berlin', MinSize: 2, MaxSize: 10,
    });
    template.hasResourceProperties('AWS::AutoScaling::ScheduledAction', {
      Recurrence: '0 18 * * MON-FRI', TimeZone: 'Europe/Berlin', MinSize: 1, MaxSize: 2, DesiredCapacity: 1,
    });
  });

  test('custom hours and days', () => {
    const stack = newStack();
    new BusinessHoursScaling(stack, 'Office', {
      autoScalingGroup: group(stack),
      timeZone: 'America/New_York',
      startTime: '07:30',
      endTime: '19:05',
      weekDays: 'MON,WED,FRI',
      duringHours: { desiredCapacity: 3 },
      outsideHours: { desiredCapacity: 1 },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::AutoScaling::ScheduledAction', { Recurrence: '30 7 * * MON,WED,FRI', DesiredCapacity: 3 });
    Template.fromStack(stack).hasResourceProperties('AWS::AutoScaling::ScheduledAction', { Recurrence: '5 19 * * MON,WED,FRI', DesiredCapacity: 1 });
  });

  test.each([
    ['an unknown time zone', { timeZone: 'Mars/Olympus' }, /timeZone must be an IANA time zone like Europe\/Berlin or America\/New_York, got 'Mars\/Olympus'/],
    ['a malformed time', { startTime: '8am' }, /startTime must be a time of day as HH:MM \(24-hour clock\), got '8am'/],
    ['an end before the start', { startTime: '18:00', endTime: '08:00' }, /endTime must be after startTime \('18:00'\)|endTime must be after startTime \(18:00\), got '08:00'/],
    ['bad days', { weekDays: 'WEEKDAYS' }, /weekDays must be days of the week in cron form like MON-FRI, got 'WEEKDAYS'/],
    ['min above max', { duringHours: { minCapacity: 5, maxCapacity: 2 } }, /duringHours.minCapacity must be at most maxCapacity \(2\), got 5/],
    ['desired outside the bounds', { outsideHours: { minCapacity: 1, maxCapacity: 2, desiredCapacity: 3 } }, /outsideHours.desiredCapacity must be at most maxCapacity \(2\), got 3/],
    ['an empty capacity', { outsideHours: {} }, /outsideHours must be at least one of minCapacity, maxCapacity, desiredCapacity/],
  ])('fails on %s', (_what, override, message) => {
    const stack = newStack();
    expect(() => new BusinessHoursScaling(stack, 'Office', {
      autoScalingGroup: group(stack), timeZone: 'UTC', duringHours: { minCapacity: 2 }, outsideHours: { minCapacity: 1 }, ...override,
    })).toThrow(message);
  });
});

test('scaling policies pass the nag packs', () => {
  const stack = newStack();
  const g = autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'G', 'my-group');
  new TargetTrackingScaling(stack, 'Cpu', { autoScalingGroup: g, metric: TrackedMetric.cpuUtilization(), targetValue: 50 });
  new StepScaling(stack, 'Steps', { autoScalingGroup: g, metric: queueDepth, steps: [{ upper: 10, change: -1 }, { lower: 10, change: 1 }] });
  new BusinessHoursScaling(stack, 'Office', { autoScalingGroup: g, timeZone: 'UTC', duringHours: { minCapacity: 2 }, outsideHours: { minCapacity: 1 } });
  expectNagClean(stack);
});
