// Fails the test command when line coverage of src/, plugins/ and routes/ is under the given percentage.
// tap writes .tap/report/coverage-summary.json (the json-summary report configured in package.json).
import { existsSync, readFileSync } from 'node:fs'
import { relative } from 'node:path'

const minimum = Number(process.argv[2] ?? 90)
const summary = JSON.parse(readFileSync('.tap/report/coverage-summary.json', 'utf8'))
let covered = 0
let total = 0
const low = []
const broken = []
for (const [file, figures] of Object.entries(summary)) {
  if (file === 'total') continue
  const path = relative(process.cwd(), file)
  if (!/^(src|plugins|routes)\//.test(path)) continue
  covered += figures.lines.covered
  total += figures.lines.total
  // A file measured as a handful of lines means the coverage map is broken (e.g. source maps of another loader), and
  // a broken map must not pass as 100%.
  if (existsSync(file)) {
    const sourceLines = readFileSync(file, 'utf8').split('\n').filter((line) => /[^\s{}();,]/.test(line) && !/^\s*(\/\/|\*|\/\*|import |export \{)/.test(line)).length
    if (sourceLines > 20 && figures.lines.total < sourceLines / 4) broken.push(`${path} (${figures.lines.total} of ~${sourceLines} lines measured)`)
  }
  if (figures.lines.pct < minimum) low.push(`${path} ${figures.lines.pct}%`)
}
const pct = total === 0 ? 0 : (100 * covered) / total
console.log(`line coverage of src/, plugins/, routes/: ${pct.toFixed(2)}% (${covered}/${total} lines; minimum ${minimum}%)`)
if (low.length > 0) console.log(`files under ${minimum}%: ${low.join(', ')}`)
if (broken.length > 0) {
  console.error(`the coverage report is not trustworthy: ${broken.join(', ')}`)
  process.exit(1)
}
if (pct < minimum) {
  console.error(`coverage ${pct.toFixed(2)}% is under ${minimum}%`)
  process.exit(1)
}
