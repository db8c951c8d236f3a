/**
 * Event data and JSON bodies as Channels receives them: data travels as a string (a string as is,
 * anything else as JSON), and its size limit counts UTF-8 bytes on the wire.
 *
 * @since 0.1.0
 */
import * as Encoding from "./Encoding.js"
import { describe, err, fail, type Failure, ok, type Result } from "./Failure.js"

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
  // Each UTF-16 unit is at most 3 UTF-8 bytes, so short payloads need no count.
  if (serialized.length * 3 <= maxBytes) return undefined
  const bytes = Encoding.utf8Length(serialized)
  return bytes > maxBytes
    ? fail(field, `must be at most ${maxBytes} bytes of UTF-8 on the wire, got ${bytes}`)
    : undefined
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
export interface KeyTable {
  readonly accepted: ReadonlyArray<string>
  readonly replacements: Readonly<Record<string, string>>
}

/**
 * An option bag's keys against its table, so that no key a caller passes is ignored: the first key not
 * accepted fails as `field.key`, naming its replacement when the table has one. `keys` is `undefined` when
 * the bag was not an object. Never applied inside payloads (event data, presence or user data), which are
 * the caller's own.
 *
 * @since 0.1.0
 * @category checks
 */
export const checkKeys = (
  field: string,
  keys: ReadonlyArray<string> | undefined,
  table: KeyTable
): Failure | undefined => {
  if (keys === undefined) return fail(field, "must be an object")
  for (const key of keys) {
    if (table.accepted.includes(key)) continue
    const replacement = Object.hasOwn(table.replacements, key) ? table.replacements[key] : undefined
    return fail(
      `${field}.${key}`,
      replacement === undefined
        ? `is not a known key (known: ${table.accepted.join(", ")})`
        : `is not a known key: use ${replacement}`
    )
  }
  return undefined
}
