// The engine alone, in one process: passwords/s of our generator (dist/src/generator) beside the npm package
// generate-password with the same rule set (all four classes, at least one of each), and passphrases/s.
// Each case runs for a fixed time; cases are interleaved over several rounds and the median round is reported, so
// a noisy neighbour or a GC pause hurts every case alike; rates are per CPU-second of the process. Run alone: `node bench/engine.js` (after `npm run build`).
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import generator from 'generate-password'
import { createPasswordPolicy, generatePassphrase, generatePassword, generatePasswords } from '../dist/src/generator/index.js'

const ROUND_MS = Number(process.env.BENCH_ENGINE_ROUND_MS ?? 500)
const ROUNDS = Number(process.env.BENCH_ENGINE_ROUNDS ?? 5)

function optionsFor (length) {
  return { length, lowercase: true, uppercase: true, digits: true, symbols: true, excludeAmbiguous: false, exclude: '', requireEachClass: true }
}

// Every case is a function doing `batch` operations; the result is kept so the work cannot be optimised away.
function cases () {
  const list = []
  for (const length of [16, 64]) {
    const options = optionsFor(length)
    const policy = createPasswordPolicy(options)
    list.push({
      name: `ours, ${length} chars (options in, password out)`,
      group: `password-${length}`,
      role: 'ours',
      run: () => generatePassword(createPasswordPolicy(options))
    })
    list.push({
      name: `ours, ${length} chars (policy reused)`,
      group: `password-${length}`,
      role: 'ours-policy',
      run: () => generatePassword(policy)
    })
    list.push({
      name: `ours, ${length} chars (generatePasswords(policy, 100) / 100)`,
      group: `password-${length}`,
      role: 'ours-batch',
      perCall: 100,
      run: () => generatePasswords(policy, 100)[99]
    })
    list.push({
      name: `generate-password ${length} chars (strict)`,
      group: `password-${length}`,
      role: 'package',
      run: () => generator.generate({ length, numbers: true, symbols: true, uppercase: true, lowercase: true, strict: true })
    })
  }
  const passphrase = { words: 6, separator: '-', capitalize: false, includeNumber: false }
  list.push({ name: 'ours, passphrase of 6 words', group: 'passphrase', role: 'ours', run: () => generatePassphrase(passphrase) })
  return list
}

// Rates are per CPU-second of this process (process.cpuUsage), not per wall-clock second: on a shared machine the
// process is descheduled now and then, which would otherwise count against whichever case was running.
function measure (run, perCall, ms) {
  let operations = 0
  let sink = 0
  const start = performance.now()
  const cpuStart = process.cpuUsage()
  while (performance.now() - start < ms) {
    for (let i = 0; i < 64; i++) sink += run().length
    operations += 64 * perCall
  }
  const cpu = process.cpuUsage(cpuStart)
  if (sink === 0) throw new Error('nothing generated')
  return operations / ((cpu.user + cpu.system) / 1e6)
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

/** Runs every case and returns rows { name, group, role, perSecond } (per CPU-second) plus the ratios ours/package per length. */
export function runEngineBench ({ roundMs = ROUND_MS, rounds = ROUNDS } = {}) {
  const list = cases()
  for (const c of list) measure(c.run, c.perCall ?? 1, 200) // warm-up: let the JIT settle
  const samples = new Map(list.map((c) => [c, []]))
  for (let round = 0; round < rounds; round++) {
    for (const c of list) samples.get(c).push(measure(c.run, c.perCall ?? 1, roundMs))
  }
  const rows = list.map((c) => ({ name: c.name, group: c.group, role: c.role, perSecond: median(samples.get(c)) }))
  const ratios = {}
  for (const length of [16, 64]) {
    const of = (role) => rows.find((r) => r.group === `password-${length}` && r.role === role).perSecond
    ratios[length] = { ours: of('ours') / of('package'), policyReused: of('ours-policy') / of('package') }
  }
  return { rows, ratios }
}

export function engineTable ({ rows, ratios }) {
  const lines = ['| case | per CPU-second | vs generate-password |', '|---|---:|---:|']
  for (const row of rows) {
    const pkg = rows.find((r) => r.group === row.group && r.role === 'package')
    const ratio = pkg === undefined || row.role === 'package' ? '' : `${(row.perSecond / pkg.perSecond).toFixed(2)}x`
    lines.push(`| ${row.name} | ${Math.round(row.perSecond).toLocaleString('en-US')} | ${ratio} |`)
  }
  lines.push('')
  for (const [length, r] of Object.entries(ratios)) {
    lines.push(`Target >= 2x at ${length} chars: ${r.policyReused.toFixed(2)}x with the policy made once (createPasswordPolicy, ` +
      `then generatePassword(policy)) -> ${r.policyReused >= 2 ? 'MET' : 'MISSED'}; ${r.ours.toFixed(2)}x when every call also ` +
      'passes the options through createPasswordPolicy (as the route does)')
  }
  return lines.join('\n')
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = runEngineBench()
  // bench/run.js runs this file as a child process (a clean heap) and reads the JSON line.
  console.log(process.argv.includes('--json') ? JSON.stringify(result) : engineTable(result))
}
