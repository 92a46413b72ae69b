import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The nearest directory at or above `start` that holds a package.json. The same code runs from src/ (tsx, tests) and
 * from dist/src/ (compiled), so files that ship beside the code (package.json, data/, public/) are found from the
 * package root, not by a fixed relative path.
 */
export function findPackageRoot (start: string): string {
  let directory = start
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory)
    if (parent === directory) {
      throw new Error(`no package.json found in ${start} or any directory above it`)
    }
    directory = parent
  }
  return directory
}

export const packageRoot = findPackageRoot(dirname(fileURLToPath(import.meta.url)))
