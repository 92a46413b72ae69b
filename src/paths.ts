import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

// The same code runs from src/ (tsx, tests) and from dist/src/ (production), so files that ship beside the code
// (package.json, data/, public/) are found by walking up to the package root rather than by a fixed relative path.
function findPackageRoot (start: string): string {
  let dir = start
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir)
    /* c8 ignore next 3 -- only reachable if the code is copied away from its package.json */
    if (parent === dir) {
      throw new Error(`package.json not found above ${start}`)
    }
    dir = parent
  }
  return dir
}

export const packageRoot = findPackageRoot(dirname(fileURLToPath(import.meta.url)))
