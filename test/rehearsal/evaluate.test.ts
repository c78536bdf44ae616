// The evaluation of a metric alarm against the CloudWatch page's own examples:
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-evaluating-missing-data
import * as fc from 'fast-check';
import { AlarmState, TreatMissingData, breaches, evaluateRange, evaluationRange } from '../../src/rehearsal/evaluate.pure';

/** `0 - X - X` (oldest first): 0 not breaching, X breaching, - missing. */
function range(text: string): Array<boolean | undefined> {
  return text.split(/\s+/).map(c => (c === '-' ? undefined : c === 'X'));
}

const TREATMENTS: TreatMissingData[] = ['missing', 'ignore', 'breaching', 'notBreaching'];
const RETAIN = 'Retain current state';

/** The page's two tables: data points, then the state for MISSING, IGNORE, BREACHING, NOT BREACHING. */
const THREE_OF_THREE: Array<[string, string[]]> = [
  ['0 - X - X', ['OK', 'OK', 'OK', 'OK']],
  ['0 - - - -', ['OK', 'OK', 'OK', 'OK']],
  ['- - - - -', ['INSUFFICIENT_DATA', RETAIN, 'ALARM', 'OK']],
  ['0 X X - X', ['ALARM', 'ALARM', 'ALARM', 'ALARM']],
  ['- - X - -', ['ALARM', RETAIN, 'ALARM', 'OK']],
];
const TWO_OF_THREE: Array<[string, string[]]> = [
  ['0 - X - X', ['ALARM', 'ALARM', 'ALARM', 'ALARM']],
  ['0 0 X 0 X', ['ALARM', 'ALARM', 'ALARM', 'ALARM']],
  ['0 - X - -', ['OK', 'OK', 'ALARM', 'OK']],
  ['- - - - 0', ['OK', 'OK', 'ALARM', 'OK']],
  ['- - - X -', ['ALARM', RETAIN, 'ALARM', 'OK']],
];

describe('metric alarm evaluation', () => {
  test('retrieves 5 datapoints for 3 evaluation periods (the page\'s evaluation range)', () => {
    expect(evaluationRange(3)).toBe(5);
  });

  for (const [name, m, table] of [['3 of 3', 3, THREE_OF_THREE], ['2 of 3', 2, TWO_OF_THREE]] as const) {
    for (const [points, states] of table) {
      test.each(TREATMENTS.map((t, i) => [t, states[i]]))(`the page's ${name} table: ${points} with missing data %s is %s`, (treat, expected) => {
        for (const current of ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as AlarmState[]) {
          const settings = { evaluationPeriods: 3, datapointsToAlarm: m, treatMissingData: treat as TreatMissingData };
          const state = evaluateRange(range(points), settings, current);
          expect(state).toBe(expected === RETAIN ? current : expected);
        }
      });
    }
  }

  test('premature ALARM: - - - - X and - - - X - stay put with 3 of 3, - - X - - alarms even when missing data is missing', () => {
    const s = { evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: 'missing' as const };
    expect(evaluateRange(range('- - - - X'), s, 'OK')).toBe('OK');
    expect(evaluateRange(range('- - - X -'), s, 'OK')).toBe('OK');
    expect(evaluateRange(range('- - X - -'), s, 'OK')).toBe('ALARM');
  });

  test('property: with every datapoint present, the state is ALARM exactly when M of the N newest breach, whatever the treatment', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 10 }), fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), fc.constantFrom(...TREATMENTS),
      (n, flags, treat) => {
        const m = Math.max(1, Math.ceil(n / 2));
        const points = flags.slice(0, n + 2);
        const state = evaluateRange(points, { evaluationPeriods: n, datapointsToAlarm: m, treatMissingData: treat }, 'OK');
        expect(state).toBe(points.slice(-n).filter(Boolean).length >= m ? 'ALARM' : 'OK');
      }));
  });

  test.each([
    ['GreaterThanOrEqualToThreshold', 5, 5, true], ['GreaterThanThreshold', 5, 5, false], ['LessThanThreshold', 4, 5, true],
    ['LessThanOrEqualToThreshold', 5, 5, true],
  ])('%s: %d against %d breaches: %s', (op, value, threshold, expected) => {
    expect(breaches(op as string, value as number, threshold as number)).toBe(expected);
  });

  test('fails on a comparison operator CloudWatch does not have', () => {
    expect(() => breaches('Above', 1, 0)).toThrow(/unknown comparison operator Above/);
  });
});
