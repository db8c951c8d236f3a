/**
 * Event data and JSON bodies as Channels receives them: data travels as a string (a string as is,
 * anything else as JSON), and its size limit counts UTF-8 bytes on the wire.
 *
 * @since 0.1.0
 */
import * as Encoding from "./Encoding.js"
import { describe, err, fail, type Failure, ok, reject, type Result } from "./Failure.js"
import { excerpt } from "./Limits.js"

/**
 * `JSON.stringify`, failing for what has no JSON (undefined, a function, a BigInt, a cycle, a throwing
 * `toJSON`).
 *
 * @since 0.1.0
 * @category serialization
 */
export const toJson = (field: string, value: unknown): Result<string> => {
  let json: string | undefined
  try {
    json = JSON.stringify(value)
  } catch (error) {
    return err(fail(field, `must be JSON-serializable (${error instanceof Error ? error.message : String(error)})`))
  }
  return json === undefined ? err(fail(field, `must be JSON-serializable, got ${describe(value)}`)) : ok(json)
}

/**
 * Event data as it goes on the wire: a string as is, anything else as JSON.
 *
 * @since 0.1.0
 * @category serialization
 */
export const serializeData = (field: string, data: unknown): Result<string> =>
  typeof data === "string" ? ok(data) : toJson(field, data)

/**
 * The data limit, in UTF-8 bytes of what is sent.
 *
 * @since 0.1.0
 * @category checks
 */
export const checkPayloadSize = (field: string, serialized: string, maxBytes: number): Failure | undefined => {
  const bytes = Encoding.utf8LengthOver(serialized, maxBytes)
  return bytes === undefined
    ? undefined
    : fail(field, `must be at most ${maxBytes} bytes of UTF-8 on the wire, got ${bytes}`)
}

/**
 * `JSON.parse` that answers `undefined` for text that is not JSON.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseOrUndefined = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/**
 * A plain object (not null, not an array).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * An option bag's own keys, as read: `[]` for no bag (`undefined` or `null`), `undefined` when what was
 * given is not an object (for {@link checkKeys} to refuse).
 *
 * @since 0.1.0
 * @category parsing
 */
export const keysOf = (bag: unknown): ReadonlyArray<string> | undefined =>
  bag === undefined || bag === null ? [] : typeof bag === "object" ? Object.keys(bag) : undefined

/**
 * The one table of keys an option bag accepts (which every later option joins), and the spellings of other
 * libraries that have a replacement here, for the failure to name it.
 *
 * @since 0.1.0
 * @category models
 */
export interface KeyTable<K extends string = string> {
  readonly accepted: ReadonlyArray<K>
  readonly replacements: Readonly<Record<string, string>>
}

// `field.key`, or the key alone when the bag is the whole input (a config's keys are its fields).
const keyField = (field: string, key: string): string => field === "" ? key : `${field}.${key}`

/**
 * The accepted key a caller most likely meant: the same key in another case, or one at most two edits away
 * (and less than half the key), so `timout` or `maxbatch` fail naming `timeout` or `maxBatch`.
 *
 * @since 0.1.0
 * @category checks
 */
export const nearMiss = (key: string, accepted: ReadonlyArray<string>): string | undefined => {
  const lower = key.toLowerCase()
  let best: string | undefined
  let bestDistance = Math.min(3, Math.ceil(key.length / 2))
  for (const candidate of accepted) {
    if (candidate.toLowerCase() === lower) return candidate
    // The distance is at least the difference in length: a long key costs no table of edits.
    if (Math.abs(candidate.length - key.length) >= bestDistance) continue
    const distance = editDistance(lower, candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

// Levenshtein distance over UTF-16 units; both strings are short (see `nearMiss`).
const editDistance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      )
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/**
 * An option bag's keys against its table, so that no key a caller passes is ignored: the first key not
 * accepted fails as `field.key` (the key alone when `field` is `""`), naming its replacement when the table
 * has one, else the accepted key it is a near miss of ({@link nearMiss}), else the known keys. `keys` is
 * `undefined` when the bag was not an object. Never applied inside payloads (event data, presence or user
 * data), which are the caller's own.
 *
 * @since 0.1.0
 * @category checks
 */
export const checkKeys = (
  field: string,
  keys: ReadonlyArray<string> | undefined,
  table: KeyTable
): Failure | undefined => {
  if (keys === undefined) return fail(field === "" ? "options" : field, "must be an object")
  for (const key of keys) {
    if (table.accepted.includes(key)) continue
    const replacement = Object.hasOwn(table.replacements, key) ? table.replacements[key] : undefined
    const meant = replacement === undefined ? nearMiss(key, table.accepted) : undefined
    return fail(
      keyField(field, excerpt(key)),
      replacement !== undefined
        ? `is not a known key: use ${replacement}`
        : meant !== undefined
        ? `is not a known key: did you mean ${meant}? (known: ${table.accepted.join(", ")})`
        : `is not a known key (known: ${table.accepted.join(", ")})`
    )
  }
  return undefined
}

/**
 * An option bag read once, as the plain data every later rule works on: its own keys are checked against
 * `table` ({@link checkKeys}), then each accepted key is read exactly once; keys whose value is `undefined`
 * are left out, so defaults can be spread under the snapshot. `undefined` and `null` are no options. A bag
 * that throws while being read (a getter, a Proxy) fails as `field` (`options` when `field` is `""`)
 * instead of throwing. The values themselves are the caller's: a rule that reads inside one guards itself.
 *
 * @since 0.1.0
 * @category parsing
 */
export const readOptions = <K extends string>(
  field: string,
  bag: unknown,
  table: KeyTable<K>
): Result<Partial<Record<K, unknown>>> => {
  try {
    const failure = checkKeys(field, keysOf(bag), table)
    if (failure !== undefined) return err(failure)
    const snapshot: Partial<Record<K, unknown>> = {}
    if (typeof bag !== "object" || bag === null) return ok(snapshot)
    for (const key of table.accepted) {
      const value: unknown = Reflect.get(bag, key)
      if (value !== undefined) snapshot[key] = value
    }
    return ok(snapshot)
  } catch {
    return reject(field === "" ? "options" : field, "could not be read (it threw while being read)")
  }
}
