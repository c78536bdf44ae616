// The mute rules of an app, read minute by minute: whether a rule mutes an alarm's actions at a
// minute. Pure: no CDK, no I/O.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-mute-rules-behaviour.html
import { MuteRuleSpec } from './alarm-model.pure';
import { Minute, Recurrence, parseInstant, parseSchedule } from './schedule.pure';

/** A mute rule as the engine reads it, minute by minute. */
interface MuteState {
  readonly rule: MuteRuleSpec;
  readonly names: Set<string>;
  readonly recurrence: Recurrence;
  readonly from: Minute;
  readonly to: Minute;
  /** The minute up to which the schedule was read. */
  readUpTo: Minute;
  /** The end of the window it last opened. */
  activeUntil: Minute;
}

/** The mute rules of an app, with the windows they opened. */
export class MuteRules {
  private readonly mutes: MuteState[];

  public constructor(muteRules: readonly MuteRuleSpec[], firstMinute: Minute) {
    this.mutes = muteRules.map(rule => ({
      rule,
      names: new Set(rule.alarmNames),
      recurrence: parseSchedule(rule.expression, rule.timeZone, firstMinute),
      from: rule.startDate ? parseInstant(rule.startDate) : -Infinity,
      to: rule.expireDate ? parseInstant(rule.expireDate) : Infinity,
      readUpTo: -Infinity,
      activeUntil: -Infinity,
    }));
  }

  /** True when a mute rule mutes the alarm at this minute. */
  public muted(name: string, minute: Minute): boolean {
    for (const m of this.mutes) {
      if (!m.names.has(name) || minute < m.from || minute >= m.to) continue;
      if (minute < m.readUpTo) {
        // Asked about the past: read the schedule back from that minute.
        for (let s = minute; s > minute - m.rule.durationMinutes; s--) if (m.recurrence.fires(s)) return true;
        continue;
      }
      // Minutes come in order: read each minute of the schedule once, remembering the open window.
      for (let s = Math.max(m.readUpTo + 1, minute - m.rule.durationMinutes + 1); s <= minute; s++) {
        if (m.recurrence.fires(s)) m.activeUntil = s + m.rule.durationMinutes;
      }
      m.readUpTo = minute;
      if (minute < m.activeUntil) return true;
    }
    return false;
  }
}
