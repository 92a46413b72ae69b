import fp from 'fastify-plugin'
import type { Config } from '../src/config.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: Readonly<Config>
  }
}

// Decorates `app.config` with the validated settings so plugins and routes never read process.env.
export default fp<{ config: Config }>(async function config (app, opts) {
  app.decorate('config', Object.freeze({ ...opts.config }))
}, { name: 'config', fastify: '5.x' })
