import { execFile } from 'node:child_process'
import t from 'tap'
import { packageRoot } from '../../src/paths.js'

// The dependencies that ship (npm audit --omit=dev) have no known high or critical vulnerability. This needs the
// registry's advisory service: when it cannot be asked, the test fails and says so, because an audit that did not
// run proves nothing.

interface AuditReport {
  metadata?: { vulnerabilities?: Record<'info' | 'low' | 'moderate' | 'high' | 'critical' | 'total', number>, dependencies?: { prod?: number, total?: number } }
  vulnerabilities?: Record<string, { severity: string, via: unknown[], fixAvailable: unknown }>
  error?: { code?: string, summary?: string, detail?: string }
  message?: string
  statusCode?: number
}

async function audit (): Promise<{ code: number | null, stdout: string, stderr: string }> {
  return await new Promise((resolve) => {
    execFile('npm', ['audit', '--omit=dev', '--json'], { cwd: packageRoot, timeout: 90_000, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr })
    })
  })
}

t.test('npm audit --omit=dev reports no high or critical vulnerability', { timeout: 120_000 }, async (t) => {
  const { code, stdout, stderr } = await audit()
  let report: AuditReport
  try {
    report = JSON.parse(stdout) as AuditReport
  } catch {
    t.fail(`npm audit gave no JSON report (exit ${code}); is the registry reachable? stderr: ${stderr.trim().slice(0, 500)}`)
    return
  }
  const counts = report.metadata?.vulnerabilities
  if (counts === undefined) {
    const reason = [report.message, report.error?.summary, stderr.trim().split('\n').find((line) => /error/i.test(line))].find((text) => text !== undefined && text !== '') ?? 'no reason given'
    t.fail(`npm audit could not run, so the dependencies are unaudited: ${reason.replace(/\.+$/, '')}. ` +
      'It needs package-lock.json and the npm registry\'s advisory endpoint (POST /-/npm/v1/security/advisories/bulk); run it where both are available.')
    return
  }
  t.comment(`npm audit --omit=dev: ${report.metadata?.dependencies?.prod ?? '?'} production dependencies; ` +
    `critical ${counts.critical}, high ${counts.high}, moderate ${counts.moderate}, low ${counts.low}, info ${counts.info}`)
  const serious = Object.entries(report.vulnerabilities ?? {}).filter(([, v]) => v.severity === 'high' || v.severity === 'critical').map(([name, v]) => `${name} (${v.severity})`)
  t.equal(counts.critical, 0, 'no critical vulnerability', { serious })
  t.equal(counts.high, 0, 'no high vulnerability', { serious })
})
