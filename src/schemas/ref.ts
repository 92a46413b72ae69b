import { Type, type Static, type TSchema } from 'typebox'

/** A `$ref` to a schema registered with addSchema, typed as the schema itself so handlers keep their types. */
export function ref<T extends TSchema> (schema: T) {
  const id = (schema as { $id?: unknown }).$id
  if (typeof id !== 'string') {
    throw new TypeError('ref() needs a schema with an $id')
  }
  return Type.Unsafe<Static<T>>(Type.Ref(id))
}
