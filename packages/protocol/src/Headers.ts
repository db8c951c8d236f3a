/**
 * HTTP headers as frameworks hand them over: a web `Headers`, or a record whose names may be in any case
 * and whose values may be repeated (Node gives an array).
 *
 * @since 0.1.0
 */

/**
 * Request headers: a web `Headers`, or a plain record as Node and most frameworks give them (any case, values
 * possibly repeated).
 *
 * @since 0.1.0
 * @category models
 */
export type Input = globalThis.Headers | Readonly<Record<string, string | ReadonlyArray<string> | undefined>>

/**
 * A header's value by its lowercase name, whatever the case it was given in.
 *
 * @since 0.1.0
 * @category lookup
 */
export const lookup = (headers: Input, lower: string): string | ReadonlyArray<string> | undefined => {
  if (typeof (headers as globalThis.Headers).get === "function" && !Array.isArray(headers)) {
    return (headers as globalThis.Headers).get(lower) ?? undefined
  }
  const record = headers as Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  const value = record[lower]
  if (value !== undefined) return value
  for (const name in record) {
    if (name.length === lower.length && name.toLowerCase() === lower) return record[name]
  }
  return undefined
}

/**
 * A header given more than once (a security header must have exactly one value).
 *
 * @since 0.1.0
 * @category models
 */
export const repeated: unique symbol = Symbol.for("@effect-pusher/protocol/Headers/repeated")

/**
 * A header's single value: `undefined` when absent, {@link repeated} when given more than once.
 *
 * @since 0.1.0
 * @category lookup
 */
export const single = (headers: Input, lower: string): string | undefined | typeof repeated => {
  const value = lookup(headers, lower)
  if (typeof value === "string" || value === undefined) return value
  if (Array.isArray(value)) return value.length === 1 && typeof value[0] === "string" ? value[0] : repeated
  return undefined
}

/**
 * The media type of a `Content-Type`, lowercase and without parameters (`application/json; charset=utf-8`
 * is `application/json`).
 *
 * @since 0.1.0
 * @category parsing
 */
export const mediaType = (contentType: string): string => {
  const semicolon = contentType.indexOf(";")
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase()
}

/**
 * Whether an auth endpoint refuses a request for its declared `Content-Type`, before reading its body:
 * pusher-js posts forms, custom authorizers JSON. A request without a type is not refused here (its body
 * decides).
 *
 * @since 0.1.0
 * @category parsing
 */
export const refusedAuthType = (headers: Input): boolean => {
  const value = lookup(headers, "content-type")
  if (typeof value !== "string") return false
  const type = mediaType(value)
  return type !== "" && type !== "application/json" && type !== "application/x-www-form-urlencoded"
}
