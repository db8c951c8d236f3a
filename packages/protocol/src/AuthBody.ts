/**
 * The fields of what pusher-js posts to a channel authorization or user authentication endpoint, from
 * whichever form the body comes in: `application/x-www-form-urlencoded` (what pusher-js sends), JSON (what
 * custom authorizers often send), or a body a framework has already parsed (`URLSearchParams` or a plain
 * object). Both Effect lines decode these fields with their own Schema; reading them is the same rule.
 *
 * @since 0.1.0
 */
import * as Encoding from "./Encoding.js"
import { ok, reject, type Result } from "./Failure.js"
import * as Headers from "./Headers.js"
import * as Json from "./Json.js"
import * as Limits from "./Limits.js"

/**
 * A request as an endpoint sees it: the raw body (text or bytes) with the headers that give its
 * `Content-Type`, or what a framework has already parsed the body into.
 *
 * @since 0.1.0
 * @category models
 */
export interface Request {
  readonly headers?: Headers.Input | undefined
  readonly body: string | Uint8Array | URLSearchParams | Readonly<Record<string, unknown>>
}

/**
 * What the caller passed, each part read once: a form's fields as pairs, a parsed body's own fields copied,
 * and the `Content-Type` only for a raw body, the only kind it says anything about.
 *
 * @since 0.1.0
 * @category models
 */
export type Snapshot =
  | { readonly _tag: "NotARequest" }
  | { readonly _tag: "Raw"; readonly body: string | Uint8Array; readonly contentType: string | undefined }
  | { readonly _tag: "Form"; readonly pairs: ReadonlyArray<readonly [string, string]> }
  | { readonly _tag: "Parsed"; readonly body: unknown }

const contentTypeOf = (headers: Headers.Input | undefined): string | undefined => {
  if (headers === undefined) return undefined
  const value = Headers.lookup(headers, "content-type")
  return typeof value === "string" ? value : value?.[0]
}

/**
 * Reads the caller's request once into a {@link Snapshot}. An untyped caller's getter or Proxy can throw
 * here, and only here: the caller guards this step (and turns a throw into its typed error); everything
 * after works on the snapshot.
 *
 * @since 0.1.0
 * @category reading
 */
export const read = (request: Request): Snapshot => {
  if (typeof request !== "object" || request === null) return { _tag: "NotARequest" }
  const body: unknown = request.body
  if (body instanceof URLSearchParams) return { _tag: "Form", pairs: Array.from(body) }
  if (typeof body === "string" || body instanceof Uint8Array) {
    return { _tag: "Raw", body, contentType: contentTypeOf(request.headers) }
  }
  return { _tag: "Parsed", body: Json.isRecord(body) ? { ...body } : body }
}

const fromPairs = (pairs: Iterable<readonly [string, string]>): Result<Record<string, unknown>> => {
  const out: Record<string, unknown> = {}
  for (const [name, value] of pairs) {
    // The name is the caller's: a 10 MB one must not come back whole in the failure.
    if (Object.prototype.hasOwnProperty.call(out, name)) return reject(Limits.excerpt(name), "must be given once")
    out[name] = value
  }
  return ok(out)
}

/** A raw body's fields, as its `Content-Type` (or, without one, its first character) says. */
const fromRaw = (raw: string | Uint8Array, contentType: string | undefined): Result<Record<string, unknown>> => {
  const body = typeof raw === "string" ? raw : Encoding.utf8DecodeStrict(raw)
  if (body === undefined) return reject("body", "must be UTF-8")
  const mediaType = contentType === undefined ? undefined : Headers.mediaType(contentType)
  const json = mediaType === undefined || mediaType === ""
    ? body.trimStart().startsWith("{")
    : mediaType === "application/json"
    ? true
    : mediaType === "application/x-www-form-urlencoded"
    ? false
    : undefined
  if (json === undefined) {
    return reject("Content-Type", "must be application/x-www-form-urlencoded or application/json")
  }
  if (!json) return fromPairs(new URLSearchParams(body))
  const parsed = Json.parseOrUndefined(body)
  if (parsed === undefined) return reject("body", "must be a JSON object (it is not JSON)")
  return Json.isRecord(parsed) ? ok(parsed) : reject("body", "must be a JSON object with socket_id")
}

/**
 * The body's fields, from whichever form it came in; a failure names what is wrong (`request`, `body`,
 * `Content-Type`, or a field given twice).
 *
 * @since 0.1.0
 * @category reading
 */
export const fields = (snapshot: Snapshot): Result<Record<string, unknown>> => {
  switch (snapshot._tag) {
    case "NotARequest":
      return reject("request", "must be { headers, body }")
    case "Form":
      return fromPairs(snapshot.pairs)
    case "Raw":
      return fromRaw(snapshot.body, snapshot.contentType)
    case "Parsed":
      return Json.isRecord(snapshot.body)
        ? ok(snapshot.body)
        : reject("body", "must be a form or JSON object with socket_id")
  }
}
