// Bundles the Lambda handlers (`npx projen bundle`) before the example app synthesizes, and
// shows projen's output only when bundling fails, so `npx cdk synth` prints what matters.
const { spawnSync } = require('child_process');

const result = spawnSync('npx', ['projen', 'bundle'], { encoding: 'utf-8', shell: process.platform === 'win32' });
if (result.status !== 0) {
  process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? `${result.error.message}\n` : ''}`);
  process.exit(result.status ?? 1);
}
