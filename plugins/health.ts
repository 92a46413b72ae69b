import fp from 'fastify-plugin'

export interface DependencyStatus {
  up: boolean
  detail?: string
}

export interface Dependency {
  name: string
  /** When true, the service is unhealthy and not ready while this dependency is down. */
  required: boolean
  /** Must be cheap: probes call it on every request (report a connection state, do not run a query). */
  status: () => DependencyStatus
}

export type Lifecycle = 'starting' | 'ready' | 'stopping'

export interface Health {
  readonly lifecycle: Lifecycle
  addDependency: (dependency: Dependency) => void
  dependencies: () => Array<Dependency & DependencyStatus>
}

declare module 'fastify' {
  interface FastifyInstance {
    health: Health
  }
}

// Decorates `app.health`: the lifecycle (starting -> ready -> stopping) and the dependency checks that the health
// routes report. Readiness turns false at the first moment of shutdown, before the server stops accepting.
export default fp(async function health (app) {
  let lifecycle: Lifecycle = 'starting'
  const registered: Dependency[] = []
  app.decorate('health', {
    get lifecycle () { return lifecycle },
    addDependency (dependency: Dependency) { registered.push(dependency) },
    dependencies () { return registered.map((dependency) => ({ ...dependency, ...dependency.status() })) }
  })
  app.addHook('onReady', async () => { lifecycle = 'ready' })
  app.addHook('preClose', async () => { lifecycle = 'stopping' })
}, { name: 'health', fastify: '5.x' })
