import * as fs from 'fs';
import * as path from 'path';
import { AgentConfig } from '../../src';

const DIR = path.join(__dirname, '..', '..', 'test-reports', 'agent-configs');

/**
 * Renders a configuration and keeps a copy in test-reports/agent-configs/<name>.json, which
 * CI validates against the agent's own schema and checks. Returns the parsed JSON.
 */
export function renderAndKeep(name: string, config: AgentConfig): any {
  const text = config.render();
  fs.mkdirSync(DIR, { recursive: true });
  fs.writeFileSync(path.join(DIR, `${name}.json`), text);
  return JSON.parse(text);
}
