// Composite alarms against the CloudWatch pages' examples:
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm.html
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm_Suppression.html
import { REHEARSAL_ASSUMPTIONS } from '../../src/rehearsal/assumptions.pure';
import { Suppression, parseRule, ruleAlarms, ruleHolds } from '../../src/rehearsal/composite.pure';
import { AlarmState } from '../../src/rehearsal/evaluate.pure';

const states = (s: Record<string, AlarmState>) => (name: string) => s[name] ?? 'INSUFFICIENT_DATA';

/**
 * Plays a suppression example minute by minute: the composite's and the suppressor's states
 * over time (minute -> state from then on), WaitPeriod 2 and ExtensionPeriod 3 as on the page.
 * Returns the minutes at which actions ran, with the state they ran for.
 */
function play(composite: Record<number, AlarmState>, suppressor: Record<number, AlarmState>): string[] {
  const s = new Suppression(2, 3, 'OK');
  const out: string[] = [];
  let c: AlarmState = 'OK';
  let sup: AlarmState = 'OK';
  for (let t = 0; t <= 12; t++) {
    const before = c;
    c = composite[t] ?? c;
    sup = suppressor[t] ?? sup;
    const acted = s.step(t, c, c !== before, sup === 'ALARM');
    if (acted) out.push(`t${t} ${acted}`);
  }
  return out;
}

describe('composite alarms', () => {
  test.each([
    ['ALARM(CPUUtilizationTooHigh) AND ALARM(DiskReadOpsTooHigh)', { CPUUtilizationTooHigh: 'ALARM', DiskReadOpsTooHigh: 'ALARM' }, true],
    ['ALARM(CPUUtilizationTooHigh) AND ALARM(DiskReadOpsTooHigh)', { CPUUtilizationTooHigh: 'ALARM', DiskReadOpsTooHigh: 'OK' }, false],
    ['ALARM(CPUUtilizationTooHigh) AND NOT ALARM(DeploymentInProgress)', { CPUUtilizationTooHigh: 'ALARM', DeploymentInProgress: 'ALARM' }, false],
    ['ALARM(CPUUtilizationTooHigh) AND NOT ALARM(DeploymentInProgress)', { CPUUtilizationTooHigh: 'ALARM', DeploymentInProgress: 'OK' }, true],
    ['(ALARM(CPUUtilizationTooHigh) OR ALARM(DiskReadOpsTooHigh)) AND OK(NetworkOutTooHigh)', { DiskReadOpsTooHigh: 'ALARM', NetworkOutTooHigh: 'OK' }, true],
    ['(ALARM("CPUUtilizationTooHigh") OR \nALARM("DiskReadOpsTooHigh")) AND \nOK("NetworkOutTooHigh")', { CPUUtilizationTooHigh: 'ALARM', NetworkOutTooHigh: 'ALARM' }, false],
    ['INSUFFICIENT_DATA(New) OR FALSE', {}, true],
    ['TRUE AND NOT FALSE', {}, true],
  ])('the page\'s rule %s holds for %j: %s', (rule, s, expected) => {
    expect(ruleHolds(parseRule(rule), states(s as Record<string, AlarmState>))).toBe(expected);
  });

  test('reads the rules the CDK writes, with alarm ARNs', () => {
    const rule = parseRule('(ALARM("arn:aws:cloudwatch:us-east-1:123456789012:alarm:web-status") AND (ALARM("arn:aws:cloudwatch:us-east-1:123456789012:alarm:a:b") OR OK("x")))');
    expect(ruleAlarms(rule)).toEqual(['web-status', 'a:b', 'x']);
  });

  test('fails on a rule the language does not have', () => {
    expect(() => parseRule('ALARM(a) XOR ALARM(b)')).toThrow(/composite rule/);
  });

  test('suppression example 1: actions run when the WaitPeriod ends with the suppressor still OK', () => {
    expect(play({ 2: 'ALARM' }, {})).toEqual(['t4 ALARM']);
  });

  test('suppression example 2: the suppressor going to ALARM within the WaitPeriod suppresses the actions', () => {
    expect(play({ 2: 'ALARM' }, { 3: 'ALARM' })).toEqual([]);
  });

  test('suppression example 3: a transition within the WaitPeriod starts a new one (its end runs nothing: the state is the one last acted on)', () => {
    expect(REHEARSAL_ASSUMPTIONS['suppression-expiry']).toBeDefined();
    expect(play({ 2: 'ALARM', 3: 'OK' }, {})).toEqual([]);
    // A later change is acted on again after its own WaitPeriod.
    expect(play({ 2: 'ALARM', 3: 'OK', 6: 'ALARM' }, {})).toEqual(['t8 ALARM']);
  });

  test('suppression example 4: a suppressor already in ALARM suppresses the actions', () => {
    expect(play({ 2: 'ALARM' }, { 0: 'ALARM' })).toEqual([]);
  });

  test('suppression example 5: when the ExtensionPeriod after the suppressor\'s return to OK ends, the composite acts on its state', () => {
    expect(play({ 2: 'ALARM' }, { 3: 'ALARM', 6: 'OK' })).toEqual(['t9 ALARM']);
  });

  test('suppression example 6: a transition within the ExtensionPeriod discards it and starts a WaitPeriod (the composite is back where it last acted)', () => {
    expect(play({ 2: 'ALARM', 7: 'OK' }, { 3: 'ALARM', 6: 'OK' })).toEqual([]);
    // Planned downtime that ends with the instance still down: the page comes after the extension.
    expect(play({ 2: 'ALARM' }, { 1: 'ALARM', 6: 'OK' })).toEqual(['t9 ALARM']);
  });
});
