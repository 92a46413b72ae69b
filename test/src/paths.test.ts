import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { findPackageRoot, packageRoot as root } from '../../src/paths.js'

t.test('findPackageRoot walks up from source and from compiled output', async (t) => {
  t.equal(findPackageRoot(join(root, 'src', 'generator')), root)
  t.equal(findPackageRoot(join(root, 'dist', 'src', 'generator')), root, 'works even before dist/ exists')
  const base = mkdtempSync(join(tmpdir(), 'package-root-'))
  t.teardown(() => rmSync(base, { recursive: true, force: true }))
  const nested = join(base, 'app', 'dist', 'src', 'generator')
  mkdirSync(nested, { recursive: true })
  writeFileSync(join(base, 'app', 'package.json'), '{}')
  t.equal(findPackageRoot(nested), join(base, 'app'))
})

t.test('findPackageRoot fails clearly without a package.json', async (t) => {
  const base = mkdtempSync(join(tmpdir(), 'package-root-'))
  t.teardown(() => rmSync(base, { recursive: true, force: true }))
  // Only meaningful where no directory above the temporary directory holds a package.json.
  t.throws(() => findPackageRoot(base), { message: `no package.json found in ${base} or any directory above it` })
})

