import { App, Stack } from 'aws-cdk-lib';
import * as lib from '../../src';
import { AgentConfig, AlertTopic, WatchkeeperErrors } from '../../src';

/** Runs `f` and returns what it throws. */
function thrown(f: () => unknown): any {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('WatchkeeperErrors', () => {
  test('recognises a validation error by its name and code, and says which rule it broke', () => {
    expect(Object.keys(lib)).toContain('WatchkeeperErrors');
    // Two rules, broken on purpose.
    const triggers: Record<string, () => unknown> = {
      'AlertTopic.emails': () => new AlertTopic(new Stack(new App(), 'Stack'), 'Alerts', { emails: ['not-an-address'] }),
      'AgentConfig.metrics': () => new AgentConfig({ metrics: [] }),
    };
    for (const [code, trigger] of Object.entries(triggers)) {
      const error = thrown(trigger);
      expect(`${code}: ${WatchkeeperErrors.isValidationError(error)}`).toBe(`${code}: true`);
      expect(error.name).toBe('WatchkeeperValidationError');
      expect(error.code).toBe(code);
      expect(WatchkeeperErrors.validationErrorCode(error)).toBe(code);
      // `<path>: <prop> must …, got …`
      expect(error.message).toMatch(new RegExp(`^[\\w/]+: ${code.split('.')[1]} must .+, got .+$`));
    }
  });

  test('recognises no other error or value', () => {
    for (const x of [new Error('AlertTopic: emails must be an email address, got x'), { code: 'AlertTopic.emails' }, 'AlertTopic.emails', undefined, null]) {
      expect(WatchkeeperErrors.isValidationError(x)).toBe(false);
      expect(WatchkeeperErrors.validationErrorCode(x)).toBeUndefined();
    }
  });
});
