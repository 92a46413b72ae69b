/**
 * An option set no password or passphrase can satisfy, or an option of the wrong shape. `field` names the request
 * option to change and `message` says how, in words meant for the person who sent the request: the HTTP layer
 * turns this into a 400 problem. Any other error thrown by the generator is a bug or an environment failure.
 */
export class GeneratorError extends Error {
  override readonly name = 'GeneratorError'
  readonly field: string

  constructor (field: string, message: string) {
    super(message)
    this.field = field
  }
}

/** Checks the `count` argument shared by generatePasswords and generatePassphrases. */
export function checkCount (count: number): void {
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new GeneratorError('count', 'count must be a whole number of at least 1')
  }
}
