import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

// The Python libraries the tests run real code of (pinned in test/logs/python/requirements.txt),
// installed into .logs-venv/ at the repository root on first use (python3 -m venv, then uv or
// pip from PyPI), and reinstalled when the requirements change. Nothing else reaches the network: the
// tests stub every AWS call.

export const ROOT = path.join(__dirname, '..', '..');
const VENV = path.join(ROOT, '.logs-venv');
export const PYTHON = path.join(VENV, 'bin', 'python');
const REQUIREMENTS = path.join(ROOT, 'test', 'logs', 'python', 'requirements.txt');
const INSTALLER = path.join(ROOT, 'test', 'logs', 'python', 'installer.txt');

export const hasPython = spawnSync('python3', ['--version']).status === 0;

/** Runs a command from the repository root; fails with its standard error. */
export function run(cmd: string, args: string[], input?: string, env?: NodeJS.ProcessEnv): string {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 240_000, input, env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** The venv's python, with the pinned requirements installed. */
export function ensureVenv(): string {
  const wanted = crypto.createHash('sha256').update(fs.readFileSync(REQUIREMENTS)).update(fs.readFileSync(INSTALLER)).digest('hex');
  const stamp = path.join(VENV, '.requirements.sha256');
  if (!fs.existsSync(PYTHON) || !fs.existsSync(stamp) || fs.readFileSync(stamp, 'utf8') !== wanted) {
    fs.rmSync(VENV, { recursive: true, force: true });
    run('python3', ['-m', 'venv', '--without-pip', VENV]);
    if (!installWithUv()) installWithPip();
    fs.writeFileSync(stamp, wanted);
  }
  return PYTHON;
}

/**
 * Installs the requirements with uv (pinned in installer.txt, itself installed into the venv by
 * the host's pip): about 3 s on a cold cache where pip takes about 15. False where the host's
 * pip cannot install into another environment (before pip 22.3) or uv fails.
 */
function installWithUv(): boolean {
  const quiet = ['--quiet', '--disable-pip-version-check'];
  const uv = path.join(VENV, 'bin', 'uv');
  return spawnSync('python3', ['-m', 'pip', '--python', PYTHON, 'install', ...quiet, '--no-compile', '-r', INSTALLER]).status === 0
    && spawnSync(uv, ['pip', 'install', '--quiet', '--python', PYTHON, '-r', REQUIREMENTS], { cwd: ROOT }).status === 0;
}

/** Installs the requirements with pip: the venv's own, seeded for the purpose. */
function installWithPip(): void {
  run('python3', ['-m', 'venv', VENV]);
  run(PYTHON, ['-m', 'pip', 'install', '--quiet', '--no-compile', '--disable-pip-version-check', '-r', REQUIREMENTS]);
}
