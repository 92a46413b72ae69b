import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler'
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1/Deployment'
import { PodDisruptionBudget, type IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget'
import { ConfigMap, type IConfigMap } from 'kubernetes-models/v1/ConfigMap'
import { Secret, type ISecret } from 'kubernetes-models/v1/Secret'
import { Service, type IService } from 'kubernetes-models/v1/Service'
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler'
import t from 'tap'
import ts from 'typescript'
import { parseAllDocuments, parse } from 'yaml'
import { loadConfig } from '../../src/config.js'
import { packageRoot } from '../../src/paths.js'
import { readDockerfile } from './dockerfile.js'
import { knownSettings } from './settings.js'

interface Manifest { file: string, document: Record<string, any> }
interface Model { validate: () => void }

// apiVersion/kind -> the kubernetes-models module, its interface and class. A kind missing here fails the test.
const models: Record<string, { module: string, type: string, create: (data: any) => Model }> = {
  'apps/v1/Deployment': { module: 'kubernetes-models/apps/v1/Deployment', type: 'IDeployment', create: (data) => new Deployment(data) },
  'v1/Service': { module: 'kubernetes-models/v1/Service', type: 'IService', create: (data) => new Service(data) },
  'autoscaling/v2/HorizontalPodAutoscaler': { module: 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler', type: 'IHorizontalPodAutoscaler', create: (data) => new HorizontalPodAutoscaler(data) },
  'policy/v1/PodDisruptionBudget': { module: 'kubernetes-models/policy/v1/PodDisruptionBudget', type: 'IPodDisruptionBudget', create: (data) => new PodDisruptionBudget(data) },
  'v1/ConfigMap': { module: 'kubernetes-models/v1/ConfigMap', type: 'IConfigMap', create: (data) => new ConfigMap(data) },
  'v1/Secret': { module: 'kubernetes-models/v1/Secret', type: 'ISecret', create: (data) => new Secret(data) }
}

const k8sDir = join(packageRoot, 'k8s')

function yamlFiles (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => entry.isDirectory() ? yamlFiles(join(dir, entry.name)) : /\.ya?ml$/.test(entry.name) ? [join(dir, entry.name)] : [])
}

function load (file: string): Manifest[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((document) => {
    if (document.errors.length > 0) {
      throw new Error(`${file}: ${document.errors.map((e) => e.message).join('; ')}`)
    }
    return { file: relative(packageRoot, file), document: document.toJS() as Record<string, any> }
  })
}

function modelKey (document: Record<string, any>): string {
  return `${String(document.apiVersion)}/${String(document.kind)}`
}

const files = yamlFiles(k8sDir).sort()
const all = files.flatMap(load)
const kustomizations = all.filter((m) => m.document.kind === 'Kustomization')
const manifests = all.filter((m) => m.document.kind !== 'Kustomization')
const inBase = (name: string): Record<string, any> => {
  const found = manifests.find((m) => m.file === `k8s/base/${name}`)
  if (found === undefined) {
    throw new Error(`k8s/base/${name} is missing`)
  }
  return found.document
}
const deployment = inBase('deployment.yaml') as IDeployment
const service = inBase('service.yaml') as IService
const hpa = inBase('hpa.yaml') as IHorizontalPodAutoscaler
const pdb = inBase('pdb.yaml') as IPodDisruptionBudget
const configMap = inBase('configmap.yaml') as IConfigMap
const secretExample = inBase('secret.example.yaml') as ISecret
const pod = deployment.spec?.template.spec
const container = pod?.containers[0]

/**
 * Type-checks each manifest as an object literal of its kubernetes-models interface. Excess-property checks reject
 * unknown fields at any depth (`replica:` for `replicas:`), which the runtime validate() lets through.
 */
function typeCheck (entries: Manifest[]): string[] {
  const virtualFile = join(packageRoot, 'test/delivery/__k8s-manifests__.ts')
  const source = entries.map((entry, index) => {
    const model = models[modelKey(entry.document)]
    if (model === undefined) {
      return `// ${entry.file}: no model\nconst unknownKind${index}: never = ${JSON.stringify(entry.document)}`
    }
    return `// ${entry.file}\nimport type { ${model.type} as T${index} } from '${model.module}'\nexport const m${index}: T${index} = ${JSON.stringify(entry.document, null, 2)}`
  }).join('\n')
  const options: ts.CompilerOptions = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, skipLibCheck: true, types: [] }
  const host = ts.createCompilerHost(options)
  const readFile = host.readFile.bind(host)
  const getSourceFile = host.getSourceFile.bind(host)
  host.fileExists = ((exists) => (name: string) => name === virtualFile || exists(name))(host.fileExists.bind(host))
  host.readFile = (name) => name === virtualFile ? source : readFile(name)
  host.getSourceFile = (name, languageVersion, ...rest) => name === virtualFile ? ts.createSourceFile(name, source, languageVersion, true) : getSourceFile(name, languageVersion, ...rest)
  const program = ts.createProgram([virtualFile], options, host)
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file === undefined || d.start === undefined ? '' : `line ${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: `
    return where + ts.flattenDiagnosticMessageText(d.messageText, '\n')
  })
}

t.test('every manifest is valid against its Kubernetes schema', async (t) => {
  t.ok(manifests.length >= 7, `${manifests.length} manifests found`)
  for (const { file, document } of manifests) {
    const model = models[modelKey(document)]
    t.ok(model, `${file}: ${modelKey(document)} is a known kind`)
    t.doesNotThrow(() => model?.create(document).validate(), `${file} validates`)
  }
})

t.test('the schema validation rejects a wrong type', async (t) => {
  const broken = structuredClone(deployment) as any
  broken.spec.replicas = 'three'
  t.throws(() => new Deployment(broken).validate(), 'replicas: "three"')
  const badProbe = structuredClone(deployment) as any
  badProbe.spec.template.spec.containers[0].readinessProbe.httpGet.port = { name: 'http' }
  t.throws(() => new Deployment(badProbe).validate(), 'a probe port that is an object')
})

t.test('every manifest type-checks against the kubernetes-models interfaces (no unknown field)', async (t) => {
  t.same(typeCheck(manifests), [])
})

t.test('the type-check rejects unknown fields', async (t) => {
  const text = readFileSync(join(k8sDir, 'base/deployment.yaml'), 'utf8')
  for (const [name, search, replacement] of [
    ['replica for replicas', '  replicas: 3', '  replica: 3'],
    ['a nested typo', 'readOnlyRootFilesystem: true', 'readOnlyRootFileSystem: true'],
    ['a probe typo', 'periodSeconds: 5', 'periodSecond: 5']
  ] as const) {
    t.not(text.replace(search, replacement), text, `${name}: the manifest contains ${search.trim()}`)
    const diagnostics = typeCheck([{ file: name, document: parse(text.replace(search, replacement)) as Record<string, any> }])
    t.ok(diagnostics.some((d) => d.includes('Object literal may only specify known properties')), name, { diagnostics })
  }
})

t.test('selectors match the pod template labels', async (t) => {
  const labels = deployment.spec?.template.metadata?.labels ?? {}
  const matches = (selector: Record<string, string> | undefined): boolean => selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value)
  t.ok(matches(deployment.spec?.selector.matchLabels), 'Deployment selector')
  t.ok(matches(service.spec?.selector), 'Service selector')
  t.ok(matches(pdb.spec?.selector?.matchLabels), 'PodDisruptionBudget selector')
  t.ok(matches(pod?.topologySpreadConstraints?.[0]?.labelSelector?.matchLabels), 'topology spread selector')
  t.same(hpa.spec?.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata?.name }, 'the HPA scales this Deployment')
  const port = container?.ports?.find((p) => p.name === service.spec?.ports?.[0]?.targetPort)
  t.equal(port?.containerPort, 5000, 'the Service targets the container port 5000 by name')
})

t.test('probes use the health endpoints', async (t) => {
  t.equal(container?.startupProbe?.httpGet?.path, '/health/live')
  t.equal(container?.livenessProbe?.httpGet?.path, '/health/live', 'liveness never depends on Redis')
  t.equal(container?.readinessProbe?.httpGet?.path, '/health/ready', 'readiness turns 503 when draining')
  for (const probe of [container?.startupProbe, container?.livenessProbe, container?.readinessProbe]) {
    t.equal(probe?.httpGet?.port, 'http')
  }
})

t.test('pods drain before they are killed', async (t) => {
  const preStop = container?.lifecycle?.preStop?.exec?.command ?? []
  t.equal(preStop[0], 'sleep', 'preStop pauses so endpoints drain first')
  const pause = Number(preStop[1])
  t.ok(pause > 0)
  const shutdownTimeout = Number(configMap.data?.SHUTDOWN_TIMEOUT)
  t.ok(shutdownTimeout > 0, 'SHUTDOWN_TIMEOUT is set in the ConfigMap')
  t.ok((pod?.terminationGracePeriodSeconds ?? 30) > pause + shutdownTimeout, `terminationGracePeriodSeconds ${pod?.terminationGracePeriodSeconds ?? 30} > preStop ${pause} + SHUTDOWN_TIMEOUT ${shutdownTimeout}`)
  t.same(deployment.spec?.strategy?.rollingUpdate, { maxUnavailable: 0, maxSurge: 1 }, 'rollouts never lower capacity')
})

t.test('pods run non-root on a read-only root filesystem', async (t) => {
  const user = readDockerfile().at(-1)?.instructions.filter((i) => i.keyword === 'USER').at(-1)?.args
  t.equal(pod?.securityContext?.runAsNonRoot, true)
  t.equal(`${pod?.securityContext?.runAsUser ?? ''}:${pod?.securityContext?.runAsGroup ?? ''}`, user, 'the same uid:gid as the image')
  t.same(container?.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } })
  t.same(container?.volumeMounts, [{ name: 'tmp', mountPath: '/tmp' }], '/tmp is the only writable path')
  t.equal(pod?.automountServiceAccountToken, false, 'the service never talks to the API server')
  t.ok(container?.resources?.limits?.cpu !== undefined && container?.resources?.limits?.memory !== undefined && container?.resources?.requests?.cpu !== undefined, 'requests and limits (the HPA needs CPU requests)')
})

t.test('several replicas, autoscaled, with a disruption budget', async (t) => {
  t.equal(hpa.apiVersion, 'autoscaling/v2')
  const min = hpa.spec?.minReplicas ?? 1
  t.ok(min >= 2, 'at least two replicas')
  t.equal(deployment.spec?.replicas, min, 'Deployment replicas = HPA minReplicas')
  t.ok((hpa.spec?.maxReplicas ?? 0) > min)
  t.equal(hpa.spec?.metrics?.[0]?.resource?.name, 'cpu')
  t.equal(pdb.apiVersion, 'policy/v1')
  t.ok(typeof pdb.spec?.maxUnavailable === 'number' && pdb.spec.maxUnavailable < min, 'the PDB leaves pods running during a drain')
})

t.test('configuration comes from the ConfigMap and the Redis URL from a Secret', async (t) => {
  t.same(container?.envFrom, [{ configMapRef: { name: configMap.metadata?.name } }])
  const redisUrl = container?.env?.find((e) => e.name === 'REDIS_URL')?.valueFrom?.secretKeyRef
  t.equal(redisUrl?.name, secretExample.metadata?.name, 'the Secret the example shows')
  t.ok(redisUrl?.key !== undefined && secretExample.stringData?.[redisUrl.key] !== undefined, 'with the key the example shows')
  t.notOk(redisUrl?.optional, 'a missing Secret stops the rollout instead of silently running without Redis')
  for (const name of [...Object.keys(configMap.data ?? {}), ...(container?.env ?? []).map((e) => e.name)]) {
    t.ok(knownSettings.has(name), `${name} is a setting the service knows`)
  }
  t.doesNotThrow(() => loadConfig({ ...configMap.data, ...secretExample.stringData }), 'the service would start with these settings')
  t.notOk(Object.keys(configMap.data ?? {}).some((name) => /REDIS_URL|TOKEN|PASSWORD/.test(name)), 'no secret in the ConfigMap')
})

t.test('kustomize layout: every resource and patch exists, the overlay image targets the container', async (t) => {
  t.same(kustomizations.map((k) => k.file).sort(), ['k8s/base/kustomization.yaml', 'k8s/overlays/production/kustomization.yaml'])
  for (const { file, document } of kustomizations) {
    t.equal(document.apiVersion, 'kustomize.config.k8s.io/v1beta1', `${file} apiVersion`)
    const dir = dirname(join(packageRoot, file))
    for (const path of [...(document.resources ?? []), ...(document.patches ?? []).map((p: { path: string }) => p.path)] as string[]) {
      t.ok(existsSync(join(dir, path)), `${file}: ${path} exists`)
    }
  }
  const base = kustomizations.find((k) => k.file === 'k8s/base/kustomization.yaml')?.document
  const listed = new Set(base?.resources as string[])
  for (const file of readdirSync(join(k8sDir, 'base')).filter((name) => /\.ya?ml$/.test(name) && name !== 'kustomization.yaml')) {
    t.equal(listed.has(file), !file.includes('.example.'), `${file} ${file.includes('.example.') ? 'is only an example' : 'is a resource'}`)
  }
  const production = kustomizations.find((k) => k.file === 'k8s/overlays/production/kustomization.yaml')?.document
  t.equal(production?.images?.[0]?.name, container?.image?.split(':')[0], 'the images transformer names the base image')
  t.equal(production?.namespace, 'password-generator')
  for (const patch of production?.patches ?? []) {
    const target = load(join(k8sDir, 'overlays/production', patch.path))[0]?.document
    t.ok(manifests.some((m) => m.file.startsWith('k8s/base/') && m.document.kind === target?.kind && m.document.metadata?.name === target?.metadata?.name), `${String(patch.path)} patches a base resource`)
  }
})
