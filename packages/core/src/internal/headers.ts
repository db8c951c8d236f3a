/**
 * HTTP headers as frameworks hand them over: a web `Headers`, or a record whose names may be in any case
 * and whose values may be repeated (Node gives an array).
 *
 * @internal
 */
export type Input = globalThis.Headers | Readonly<Record<string, string | ReadonlyArray<string> | undefined>>

/**
 * A header's value by its lowercase name, whatever the case it was given in.
 *
 * @internal
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
 * The media type of a `Content-Type`, lowercase and without parameters (`application/json; charset=utf-8`
 * is `application/json`).
 *
 * @internal
 */
export const mediaType = (contentType: string): string => {
  const semicolon = contentType.indexOf(";")
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase()
}
