import { AlarmSeverity } from '../core/alarm-routing';

/**
 * Which alarm notifications a subscriber of an alert topic receives, by the tags the alarms
 * carry into their notifications (`AlarmTags`): every list given must match, any value of a
 * list may (`{ severities: [CRITICAL], owners: ['database'] }` is the database team's pages).
 * Other messages on the topic (EventBridge notifications, which carry no alarm tags) do not
 * reach a filtered subscriber.
 */
export interface AlarmTagFilter {
  /**
   * Severities to receive.
   * @default - any severity
   */
  readonly severities?: AlarmSeverity[];
  /**
   * Services to receive (their `service` tag).
   * @default - any service
   */
  readonly services?: string[];
  /**
   * Owners to receive (their `owner` tag).
   * @default - any owner
   */
  readonly owners?: string[];
}
