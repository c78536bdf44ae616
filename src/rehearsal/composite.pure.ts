// Composite alarms: the rule language (ALARM(), OK(), INSUFFICIENT_DATA(), TRUE, FALSE, AND,
// OR, NOT) and action suppression with WaitPeriod and ExtensionPeriod. Pure: no CDK, no I/O.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm.html
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Composite_Alarm_Suppression.html
import { assumed } from './assumptions.pure';
import { AlarmState } from './evaluate.pure';
import { alarmNameOf } from './template.pure';

/** A parsed rule. */
export type Rule =
  | { k: 'state'; state: AlarmState; alarm: string }
  | { k: 'const'; value: boolean }
  | { k: 'not'; r: Rule }
  | { k: 'and' | 'or'; l: Rule; r: Rule };

/** Parses an AlarmRule; alarm references may be names or ARNs, quoted or not. */
export function parseRule(rule: string): Rule {
  const re = /\s*(\(|\)|"[^"]*"|[A-Za-z_]+(?=\s*\()|[^\s()"]+)/y;
  const t: string[] = [];
  let at = 0;
  while (at < rule.length) {
    re.lastIndex = at;
    const m = re.exec(rule);
    if (!m) {
      if (/^\s*$/.test(rule.slice(at))) break;
      throw new Error(`composite rule: unexpected "${rule.slice(at, at + 10)}" in ${rule}`);
    }
    t.push(m[1]);
    at = re.lastIndex;
  }
  let pos = 0;
  const peek = () => t[pos]?.toUpperCase();
  const take = (want?: string) => {
    const tok = t[pos++];
    if (tok === undefined || (want !== undefined && tok.toUpperCase() !== want)) throw new Error(`composite rule: expected ${want ?? 'more'} in ${rule}`);
    return tok;
  };
  assumed('rule-precedence');
  const or = (): Rule => {
    let l = and();
    while (peek() === 'OR') { take(); l = { k: 'or', l, r: and() }; }
    return l;
  };
  const and = (): Rule => {
    let l = unary();
    while (peek() === 'AND') { take(); l = { k: 'and', l, r: unary() }; }
    return l;
  };
  const unary = (): Rule => {
    const tok = peek();
    if (tok === 'NOT') { take(); return { k: 'not', r: unary() }; }
    if (tok === '(') { take(); const r = or(); take(')'); return r; }
    if (tok === 'TRUE' || tok === 'FALSE') { take(); return { k: 'const', value: tok === 'TRUE' }; }
    if (tok === 'ALARM' || tok === 'OK' || tok === 'INSUFFICIENT_DATA') {
      take(); take('(');
      const ref = take().replace(/^"(.*)"$/, '$1');
      take(')');
      return { k: 'state', state: tok as AlarmState, alarm: alarmNameOf(ref) };
    }
    throw new Error(`composite rule: unexpected ${t[pos]} in ${rule}`);
  };
  const root = or();
  if (pos !== t.length) throw new Error(`composite rule: trailing input in ${rule}`);
  return root;
}

/** Whether a rule holds, given the state of every alarm by name. */
export function ruleHolds(r: Rule, stateOf: (name: string) => AlarmState): boolean {
  switch (r.k) {
    case 'const': return r.value;
    case 'state': return stateOf(r.alarm) === r.state;
    case 'not': return !ruleHolds(r.r, stateOf);
    case 'and': return ruleHolds(r.l, stateOf) && ruleHolds(r.r, stateOf);
    case 'or': return ruleHolds(r.l, stateOf) || ruleHolds(r.r, stateOf);
  }
}

/** The alarms a rule names. */
export function ruleAlarms(r: Rule): string[] {
  switch (r.k) {
    case 'const': return [];
    case 'state': return [r.alarm];
    case 'not': return ruleAlarms(r.r);
    default: return [...ruleAlarms(r.l), ...ruleAlarms(r.r)];
  }
}

/**
 * The action suppression of one composite alarm, minute by minute. Feed it the composite's
 * transitions and the suppressor's state each minute; it answers which state's actions run.
 *
 * - A composite transition while the suppressor is in ALARM runs nothing (Example 4).
 * - Otherwise a transition starts a WaitPeriod (discarding an active wait or extension); when
 *   it ends with the suppressor not in ALARM, the current state's actions run (Examples 1, 3).
 * - The suppressor going to ALARM discards the wait and suppresses (Example 2).
 * - The suppressor going back to OK starts an ExtensionPeriod; when it ends, the current state's
 *   actions run (Example 5); a composite transition during it starts a new WaitPeriod (Example 6).
 */
export class Suppression {
  private waitUntil?: number;
  private extendUntil?: number;
  private lastActed: AlarmState;
  private suppressorWasAlarm = false;

  public constructor(private readonly waitMinutes: number, private readonly extensionMinutes: number, initial: AlarmState) {
    this.lastActed = initial;
  }

  /**
   * One minute: the composite's state now (and whether it just changed) and the suppressor's.
   * Returns the state whose actions run this minute, if any.
   */
  public step(minute: number, state: AlarmState, changed: boolean, suppressorInAlarm: boolean): AlarmState | undefined {
    let act: AlarmState | undefined;
    if (suppressorInAlarm && !this.suppressorWasAlarm) {
      this.waitUntil = undefined; // Example 2: the wait is discarded, the suppressor takes over
      this.extendUntil = undefined;
    }
    if (!suppressorInAlarm && this.suppressorWasAlarm) this.extendUntil = minute + this.extensionMinutes;
    this.suppressorWasAlarm = suppressorInAlarm;
    if (changed && !suppressorInAlarm) {
      this.extendUntil = undefined;
      this.waitUntil = minute + this.waitMinutes;
    }
    if (suppressorInAlarm) return undefined;
    if (this.waitUntil !== undefined && minute >= this.waitUntil) {
      this.waitUntil = undefined;
      act = this.expire(state);
    }
    if (this.extendUntil !== undefined && minute >= this.extendUntil) {
      this.extendUntil = undefined;
      act = this.expire(state);
    }
    return act;
  }

  /** Records actions that ran outside suppression. */
  public acted(state: AlarmState): void {
    this.lastActed = state;
  }

  /** True while a wait or extension period, or the suppressor, holds actions back. */
  public get holding(): boolean {
    return this.waitUntil !== undefined || this.extendUntil !== undefined || this.suppressorWasAlarm;
  }

  private expire(state: AlarmState): AlarmState | undefined {
    assumed('suppression-expiry');
    if (state === this.lastActed) return undefined;
    this.lastActed = state;
    return state;
  }
}
