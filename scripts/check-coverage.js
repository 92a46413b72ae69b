// Fails the test command when line coverage of src/, plugins/ and routes/ is under the given percentage.
// tap writes .tap/report/coverage-summary.json (the json-summary report configured in package.json).
import { readFileSync } from 'node:fs'
import { relative } from 'node:path'

const minimum = Number(process.argv[2] ?? 90)
const summary = JSON.parse(readFileSync('.tap/report/coverage-summary.json', 'utf8'))
let covered = 0
let total = 0
const low = []
for (const [file, figures] of Object.entries(summary)) {
  if (file === 'total') continue
  const path = relative(process.cwd(), file)
  if (!/^(src|plugins|routes)\//.test(path)) continue
  covered += figures.lines.covered
  total += figures.lines.total
  if (figures.lines.pct < minimum) low.push(`${path} ${figures.lines.pct}%`)
}
const pct = total === 0 ? 0 : (100 * covered) / total
console.log(`line coverage of src/, plugins/, routes/: ${pct.toFixed(2)}% (${covered}/${total} lines; minimum ${minimum}%)`)
if (low.length > 0) console.log(`files under ${minimum}%: ${low.join(', ')}`)
if (pct < minimum) {
  console.error(`coverage ${pct.toFixed(2)}% is under ${minimum}%`)
  process.exit(1)
}
