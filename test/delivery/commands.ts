import { spawnSync } from 'node:child_process'

export interface Run { status: number | null, stdout: string, output: string }

// tap's coverage loader (NODE_OPTIONS, re-added by its spawn wrapper, hence env -u) and its TAP* variables must not
// reach the commands: npm, tsc and the pipeline's own tap run as they would outside the test runner.
function cleanEnv (): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(TAP|_TAPJS|NODE_OPTIONS$|NODE_V8_COVERAGE$)/.test(key)))
}

/** Runs a command to completion; its stdout alone, and stdout followed by stderr. */
export function run (cwd: string, command: string, args: string[], timeout = 120_000): Run {
  const result = spawnSync('env', ['-u', 'NODE_OPTIONS', command, ...args], { cwd, env: cleanEnv(), encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 })
  return { status: result.status, stdout: result.stdout, output: `${result.stdout}${result.stderr}` }
}

/** Like run, but throws with the output when the command fails. */
export function mustRun (cwd: string, command: string, args: string[], timeout?: number): string {
  const result = run(cwd, command, args, timeout)
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${String(result.status)}):\n${result.output}`)
  }
  return result.stdout
}
