// Helpers of IdleShutdown that need no state of it: alarm names fixed at synth, the
// alarms deployed with their actions on, the idle shutdowns of an app, nag finding parts,
// runs a month.
import { Names, Stack, Token, aws_cloudwatch as cloudwatch, aws_events as events } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The name an alarm will have, fixed at synth time: the instance names it in a tag, and a
 * name CloudFormation generates would make the instance depend on the alarm that depends
 * on the instance. Alarm names are unique per account and Region, and so are stack names.
 */
export function fixedAlarmName(alarm: cloudwatch.IAlarm): string {
  const cfn = alarm.node.defaultChild;
  if (cfn instanceof cloudwatch.CfnAlarm || cfn instanceof cloudwatch.CfnCompositeAlarm) {
    // An alarm without a name carries a lazy name that resolves to nothing.
    if (cfn.alarmName === undefined || Stack.of(alarm).resolve(cfn.alarmName) === undefined) {
      const stackName = Stack.of(alarm).stackName;
      cfn.alarmName = `${stackName}-${Names.uniqueResourceName(alarm, { maxLength: 255 - (Token.isUnresolved(stackName) ? 128 : stackName.length) - 1 })}`;
    }
    return cfn.alarmName;
  }
  return alarm.alarmName;
}

/**
 * Whether the app deploys an alarm with its actions on (CloudFormation's `ActionsEnabled`
 * defaults to true). An imported alarm is not known to be on.
 */
export function deployedWithActionsOn(alarm: cloudwatch.IAlarm): boolean {
  const cfn = alarm.node.defaultChild;
  if (!(cfn instanceof cloudwatch.CfnAlarm || cfn instanceof cloudwatch.CfnCompositeAlarm)) return false;
  return Stack.of(alarm).resolve(cfn.actionsEnabled) !== false;
}

const REGISTRY = new WeakMap<IConstruct, IConstruct[]>();

/** Constructs registered in the app of a construct (the idle shutdowns of the app). */
export function idleShutdownsOfApp<T extends IConstruct>(scope: IConstruct): T[] {
  const root = scope.node.root;
  let list = REGISTRY.get(root);
  if (!list) REGISTRY.set(root, list = []);
  return list as T[];
}

export function nagPart(value: string, pseudo: string): string {
  return Token.isUnresolved(value) ? `<${pseudo}>` : value;
}

/** Runs a month for a schedule: rates exactly, cron expressions as if hourly at most. */
export function runsPerMonthOf(schedule: events.Schedule): number {
  const m = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(schedule.expressionString);
  if (!m) return 30 * 24;
  const minutes = Number(m[1]) * (m[2].startsWith('minute') ? 1 : m[2].startsWith('hour') ? 60 : 1440);
  return Math.round((30 * 24 * 60) / minutes);
}
