import * as fs from 'fs';
import * as path from 'path';
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
    // The statement in docs/development.md, and the rules it names, broken on purpose.
    const docs = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'development.md'), 'utf-8');
    const statement = docs.slice(docs.indexOf('Bad input is never a warning'), docs.indexOf('| id | when |'));
    for (const promised of ['WatchkeeperValidationError', '`code`', 'WatchkeeperErrors.isValidationError(e)', 'WatchkeeperErrors.validationErrorCode(e)', '<path>: <prop> must …, got …']) {
      expect(statement).toContain(promised);
    }
    const named = [...statement.matchAll(/`(\w+\.\w+)`/g)].map(m => m[1]);
    const triggers: Record<string, () => unknown> = {
      'AlertTopic.emails': () => new AlertTopic(new Stack(new App(), 'Stack'), 'Alerts', { emails: ['not-an-address'] }),
      'AgentConfig.metrics': () => new AgentConfig({ metrics: [] }),
    };
    expect(named).toEqual(Object.keys(triggers));
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
