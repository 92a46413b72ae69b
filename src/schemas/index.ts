import { FieldError, Problem } from './problem.js'
import { CrackTime, CrackTimes, StrengthLabel } from './strength.js'
import { PasswordRequest, PasswordResponse } from './password.js'
import { PassphraseRequest, PassphraseResponse } from './passphrase.js'
import { DependencyCheck, HealthReport, ProbeStatus, VersionInfo } from './health.js'

/** Every named schema, registered once with addSchema; their $ids are the OpenAPI component names. */
export const sharedSchemas = [
  FieldError, Problem, CrackTime, CrackTimes, StrengthLabel,
  PasswordRequest, PasswordResponse, PassphraseRequest, PassphraseResponse,
  DependencyCheck, HealthReport, ProbeStatus, VersionInfo
]
