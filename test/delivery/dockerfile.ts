import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../../src/paths.js'

export interface Instruction { keyword: string, args: string, line: number }
export interface Stage { image: string, name: string | undefined, instructions: Instruction[] }

export const dockerfilePath = join(packageRoot, 'Dockerfile')

/** The instructions of a Dockerfile grouped by stage: continuation lines joined, comments and blank lines dropped. */
export function parseDockerfile (text: string): Stage[] {
  const stages: Stage[] = []
  let pending = ''
  let startLine = 0
  text.split('\n').forEach((raw, index) => {
    const line = raw.trimEnd()
    if (pending === '' && (line.trim() === '' || line.trimStart().startsWith('#'))) {
      return
    }
    if (pending === '') {
      startLine = index + 1
    }
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1) + ' '
      return
    }
    const whole = (pending + line).trim()
    pending = ''
    const match = /^(\S+)\s*(.*)$/s.exec(whole)
    if (match === null) {
      return
    }
    const instruction = { keyword: (match[1] ?? '').toUpperCase(), args: (match[2] ?? '').replace(/\s+/g, ' ').trim(), line: startLine }
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args.replace(/^--platform=\S+\s+/, '').split(' ')
      stages.push({ image, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] })
    }
    stages.at(-1)?.instructions.push(instruction)
  })
  return stages
}

/** The paths a stage copies from the build context (not `--from` another stage), as `[source, destination]` pairs. */
export function contextCopies (stage: Stage | undefined): Array<[string, string]> {
  const copies: Array<[string, string]> = []
  for (const instruction of stage?.instructions ?? []) {
    if (instruction.keyword !== 'COPY' || /--from=/.test(instruction.args)) {
      continue
    }
    const parts = instruction.args.split(' ').filter((part) => !part.startsWith('--'))
    const destination = parts.pop() ?? ''
    for (const source of parts) {
      copies.push([source, destination])
    }
  }
  return copies
}

export function readDockerfile (): Stage[] {
  return parseDockerfile(readFileSync(dockerfilePath, 'utf8'))
}
