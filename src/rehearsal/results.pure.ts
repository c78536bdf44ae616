// What a rehearsal produces: the notifications of a scenario and its outcome. Shared by the
// rehearsal and the expectation checks, so neither imports the other.
import { Activity } from './functions.pure';
import { Scenario } from './scenario.pure';
import { Minute } from './schedule.pure';

/** One notification: an alarm's (or a function's) message to a topic's subscribers. */
export interface Notification {
  readonly minute: Minute;
  readonly alarm: string;
  readonly path: string;
  readonly state: string;
  /** CRITICAL, WARNING, INFO, or '' for an alarm not routed by severity. */
  readonly severity: string;
  readonly topic: string;
  readonly recipients: string[];
  readonly contributor?: string;
  /** EC2 actions that ran with it. */
  readonly ec2Actions: string[];
  /** False when the topic failed to deliver it. */
  readonly delivered: boolean;
  /** What the alarm watches (metric names, expressions, queries), for matching expectations. */
  readonly watches: string;
  /** Sent when a mute window ended with the alarm still in the state it entered while muted. */
  readonly afterMute?: boolean;
}

/** The outcome of one scenario. */
export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly notifications: Notification[];
  /** Transitions whose actions did not run, and why (planned downtime working, or a silence). */
  readonly silenced: Array<{ minute: Minute; alarm: string; to: string; contributor?: string; why: string }>;
  readonly activity: Activity[];
  /** Every expectation that failed, with why. */
  readonly failures: string[];
  /** Why the scenario does not apply to this app, when it does not. */
  readonly notApplicable?: string;
}
