import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, waitFor } from './ports.js'

type Test = { teardown: (fn: () => unknown) => void }

export interface RedisServer {
  url: string
  port: number
  /** Stops the server (SIGKILL: nothing is saved anyway) and waits for it to exit. */
  stop: () => Promise<void>
  /** Starts it again on the same port. */
  start: () => Promise<void>
  /** Freezes it (SIGSTOP): connections stay open but nothing answers, like a hung server. */
  pause: () => void
  /** Thaws it (SIGCONT). */
  resume: () => void
  /** Runs redis-cli against it and returns stdout. */
  cli: (...args: string[]) => string
}

const HOW_TO_GET_ONE = 'Tests need a real redis-server: install it (Debian: apt-get install -y redis-server redis-tools) ' +
  'or put redis-server on PATH. `bash .ci/run` installs it.'

/** Fails loudly, never skips, when redis-server is not installed. */
export function requireRedisBinaries (): void {
  for (const binary of ['redis-server', 'redis-cli']) {
    const found = spawnSync(binary, ['--version'], { encoding: 'utf8' })
    if (found.error !== undefined || found.status !== 0) {
      throw new Error(`${binary} not found. ${HOW_TO_GET_ONE}`)
    }
  }
}

/** Starts a throwaway redis-server on a free port of 127.0.0.1 (no persistence) and stops it after the test. */
export async function startRedis (t: Test, extraArgs: string[] = []): Promise<RedisServer> {
  requireRedisBinaries()
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'pg-redis-'))
  let child: ChildProcess | undefined
  const cli = (...args: string[]): string => {
    const result = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8' })
    return result.stdout
  }
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    cli,
    async start () {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs], { stdio: 'ignore' })
      const up = await waitFor(async () => cli('PING').trim() === 'PONG', 10_000)
      if (!up) {
        throw new Error(`redis-server did not start on port ${port}. ${HOW_TO_GET_ONE}`)
      }
    },
    async stop () {
      if (child !== undefined && child.exitCode === null && child.signalCode === null) {
        const exit = once(child, 'exit')
        child.kill('SIGKILL')
        await exit
      }
    },
    pause () { child?.kill('SIGSTOP') },
    resume () { child?.kill('SIGCONT') }
  }
  await server.start()
  t.teardown(async () => {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })
  return server
}

export interface RedisCluster {
  /** The seed nodes as REDIS_CLUSTER_NODES wants them: 127.0.0.1:P1,127.0.0.1:P2,... */
  nodes: string
  ports: number[]
  /** Runs redis-cli in cluster mode (-c) against the first node and returns stdout. */
  cli: (...args: string[]) => string
}

/**
 * Starts `size` throwaway `redis-server --cluster-enabled yes` nodes on free ports of 127.0.0.1 (each with a free
 * cluster bus port too), joins them with `redis-cli --cluster create` (no replicas), waits for cluster_state:ok on
 * every node and stops them all after the test.
 */
export async function startRedisCluster (t: Test, size = 3): Promise<RedisCluster> {
  requireRedisBinaries()
  const dir = mkdtempSync(join(tmpdir(), 'pg-redis-cluster-'))
  const children: ChildProcess[] = []
  t.teardown(async () => {
    await Promise.all(children.map(async (child) => {
      if (child.exitCode === null && child.signalCode === null) {
        const exit = once(child, 'exit')
        child.kill('SIGKILL')
        await exit
      }
    }))
    rmSync(dir, { recursive: true, force: true })
  })
  const ports: number[] = []
  const busPorts = new Set<number>()
  while (ports.length < size) {
    const port = await freePort()
    const bus = await freePort()
    if (port === bus || ports.includes(port) || ports.includes(bus) || busPorts.has(port) || busPorts.has(bus)) {
      continue
    }
    ports.push(port)
    busPorts.add(bus)
  }
  const cliAt = (port: number, ...args: string[]): string =>
    spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8' }).stdout
  const bus = [...busPorts]
  ports.forEach((port, i) => {
    children.push(spawn('redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-port', String(bus[i]),
      '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--save', '', '--appendonly', 'no', '--dir', dir
    ], { stdio: 'ignore' }))
  })
  for (const port of ports) {
    if (!await waitFor(async () => cliAt(port, 'PING').trim() === 'PONG', 10_000)) {
      throw new Error(`redis-server (cluster node) did not start on port ${port}. ${HOW_TO_GET_ONE}`)
    }
  }
  const create = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' })
  if (create.status !== 0) {
    throw new Error(`redis-cli --cluster create failed:\n${create.stdout}${create.stderr}`)
  }
  for (const port of ports) {
    if (!await waitFor(async () => cliAt(port, 'CLUSTER', 'INFO').includes('cluster_state:ok'), 15_000, 100)) {
      throw new Error(`the Redis Cluster did not reach cluster_state:ok on port ${port}:\n${cliAt(port, 'CLUSTER', 'INFO')}`)
    }
  }
  return {
    nodes: ports.map((port) => `127.0.0.1:${port}`).join(','),
    ports,
    cli: (...args: string[]) => cliAt(ports[0] as number, '-c', ...args)
  }
}
