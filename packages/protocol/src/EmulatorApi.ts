/**
 * The REST API of an emulated app (SPEC §2, §4), piece by piece: the request target, the signature check
 * hosted Channels makes, route matching and the validation of event bodies. `EmulatorRest` puts them
 * together.
 *
 * @since 0.1.0
 */
import * as EmulatorQueries from "./EmulatorQueries.js"
import * as Events from "./Events.js"
import { err, fail, type Failure, ok, type Result } from "./Failure.js"
import * as Json from "./Json.js"
import * as Limits from "./Limits.js"
import * as Names from "./Names.js"
import * as Query from "./Query.js"
import * as Signing from "./Signing.js"

/**
 * An HTTP answer.
 *
 * @since 0.1.0
 * @category models
 */
export interface Reply {
  readonly status: number
  readonly contentType: string
  readonly body: string
}

/**
 * A plain-text reply with the given status.
 *
 * @since 0.1.0
 * @category constructors
 */
export const text = (status: number, body: string): Reply => ({
  status,
  contentType: "text/plain; charset=utf-8",
  body
})

/**
 * A 200 reply with a JSON body.
 *
 * @since 0.1.0
 * @category constructors
 */
export const json = (value: unknown): Reply => ({
  status: 200,
  contentType: "application/json",
  body: JSON.stringify(value)
})

/**
 * A broken rule as Channels answers it: the status (400 by default) and `Invalid {field}: {rule}`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const refuse = (failure: Failure, status = 400): Reply =>
  text(status, `Invalid ${failure.field}: ${failure.rule}`)

const defaultBodies: Readonly<Record<number, string>> = {
  400: "Bad request",
  401: "Unauthorized",
  403: "Forbidden: the application is disabled or over its message quota",
  404: "Not found",
  413: "Payload too large",
  429: "Too many requests",
  500: "Internal server error",
  502: "Bad gateway",
  503: "Service unavailable",
  504: "Gateway timeout"
}

/**
 * The text Channels sends with an error status.
 *
 * @since 0.1.0
 * @category constructors
 */
export const statusText = (status: number): string => defaultBodies[status] ?? `Error ${status}`

/**
 * A request's path exactly as sent (it is what the client signed) and its decoded query (`undefined` when
 * the query is not valid percent-encoding).
 *
 * @since 0.1.0
 * @category models
 */
export interface Target {
  readonly path: string
  readonly query: ReadonlyMap<string, string> | undefined
}

/**
 * Splits a request target (`/apps/1/events?auth_key=...`, or a full URL) into its path and query.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseTarget = (url: string): Target => {
  let rest = url
  if (!rest.startsWith("/")) {
    // A full URL: drop the scheme and authority, keep the path exactly as sent.
    const authority = rest.indexOf("//")
    const slash = rest.indexOf("/", authority === -1 ? 0 : authority + 2)
    rest = slash === -1 ? "/" : rest.slice(slash)
  }
  const hash = rest.indexOf("#")
  if (hash !== -1) rest = rest.slice(0, hash)
  const question = rest.indexOf("?")
  return question === -1
    ? { path: rest, query: new Map() }
    : { path: rest.slice(0, question), query: Query.parse(rest.slice(question + 1)) }
}

/**
 * What checking a signature needs: the app key, the signer of its secret, MD5 and a constant-time compare.
 *
 * @since 0.1.0
 * @category models
 */
export interface Verifier extends Signing.RequestSigner {
  readonly timingSafeEqual: (a: string, b: string) => boolean
}

const checkBodyMd5 = (verifier: Verifier, md5: string | undefined, body: string): Reply | undefined => {
  if (md5 === undefined) {
    return body === "" ? undefined : text(401, "Missing body_md5: a request with a body must sign its MD5")
  }
  return verifier.timingSafeEqual(md5.toLowerCase(), verifier.md5Hex(body))
    ? undefined
    : text(401, "Invalid body_md5: it is not the MD5 of the body received")
}

/**
 * The check hosted Channels makes (401 when it fails): `auth_key`, `auth_timestamp` within
 * {@link Limits.timestampWindowSeconds} of `nowMillis`, `auth_version`, `body_md5` and `auth_signature`
 * over the canonical query and string to sign of {@link Signing}.
 *
 * @since 0.1.0
 * @category signing
 */
export const authenticate = (
  verifier: Verifier,
  method: string,
  path: string,
  query: ReadonlyMap<string, string>,
  body: string,
  nowMillis: number
): Reply | undefined => {
  const key = query.get("auth_key")
  if (key === undefined) return text(401, "Missing auth_key")
  if (key !== verifier.key) return text(401, `Unknown auth_key ${key}`)
  const timestamp = query.get("auth_timestamp")
  if (timestamp === undefined || !/^\d{1,15}$/.test(timestamp)) {
    return text(401, "auth_timestamp must be the number of seconds since the epoch")
  }
  const serverSeconds = Math.floor(nowMillis / 1000)
  const window = Limits.timestampWindowSeconds
  if (Math.abs(serverSeconds - Number(timestamp)) > window) {
    return text(
      401,
      `Timestamp expired: Given timestamp (${timestamp}) not within ${window}s of server time (${serverSeconds})`
    )
  }
  if (query.get("auth_version") !== "1.0") return text(401, "auth_version must be 1.0")
  const md5Refused = checkBodyMd5(verifier, query.get("body_md5"), body)
  if (md5Refused !== undefined) return md5Refused
  const signature = query.get("auth_signature")
  if (signature === undefined) return text(401, "Missing auth_signature")
  const stringToSign = Signing.stringToSign(
    method.toUpperCase(),
    path,
    Signing.canonicalQuery(Array.from(query).filter(([name]) => name !== "auth_signature"))
  )
  if (verifier.timingSafeEqual(signature.toLowerCase(), verifier.sign(stringToSign))) return undefined
  return text(
    401,
    `Invalid signature: expected the HMAC-SHA256 hex digest of ${JSON.stringify(stringToSign)}, but got ${signature}`
  )
}

/**
 * The operations of the REST API.
 *
 * @since 0.1.0
 * @category models
 */
export type Route =
  | { readonly _tag: "Trigger" }
  | { readonly _tag: "Batch" }
  | { readonly _tag: "Channels" }
  | { readonly _tag: "Channel"; readonly name: string }
  | { readonly _tag: "Users"; readonly name: string }
  | { readonly _tag: "Terminate"; readonly userId: string }

/**
 * The app a path addresses: `/apps/{appId}/...` (404 for another app or path).
 *
 * @since 0.1.0
 * @category routing
 */
export const checkApp = (appId: string, path: string): Reply | undefined => {
  const segments = path.split("/")
  if (segments[1] !== "apps" || segments.length < 4) return text(404, "Not found")
  return segments[2] === appId ? undefined : text(404, `Unknown app id ${segments[2] ?? ""}`)
}

const decodeSegments = (path: string): ReadonlyArray<string> | undefined => {
  try {
    return path.split("/").slice(3).map(decodeURIComponent)
  } catch {
    return undefined
  }
}

/**
 * The operation a method and a path (of the app {@link checkApp} accepted) ask for.
 *
 * @since 0.1.0
 * @category routing
 */
export const route = (method: string, path: string): Result<Route, Reply> => {
  const segments = decodeSegments(path)
  if (segments === undefined) return err(text(400, "The path is not valid percent-encoding"))
  const verb = method.toUpperCase()
  const [first = "", second = "", third] = segments
  if (segments.length === 1) {
    if (verb === "POST" && first === "events") return ok({ _tag: "Trigger" })
    if (verb === "POST" && first === "batch_events") return ok({ _tag: "Batch" })
    if (verb === "GET" && first === "channels") return ok({ _tag: "Channels" })
  } else if (segments.length === 2 && verb === "GET" && first === "channels") {
    return ok({ _tag: "Channel", name: second })
  } else if (segments.length === 3) {
    if (verb === "GET" && first === "channels" && third === "users") return ok({ _tag: "Users", name: second })
    if (verb === "POST" && first === "users" && third === "terminate_connections") {
      return ok({ _tag: "Terminate", userId: second })
    }
  }
  return err(text(404, "Not found"))
}

/**
 * One event of a trigger or a batch, as validated.
 *
 * @since 0.1.0
 * @category models
 */
export interface EventRequest {
  readonly name: string
  readonly data: string
  readonly channels: ReadonlyArray<string>
  readonly socketId: string | undefined
  readonly info: ReadonlySet<string>
}

const checkChannels = (prefix: string, channels: ReadonlyArray<unknown>): Result<ReadonlyArray<string>> => {
  const names: Array<string> = []
  for (let i = 0; i < channels.length; i++) {
    const channel = channels[i]
    const field = channels.length === 1 ? `${prefix}channel` : `${prefix}channels[${i}]`
    // `#server-to-user-{id}` (sendToUser) is addressed alone, by `events` or as one event of a batch.
    const failure = channels.length === 1 && typeof channel === "string" &&
        channel.startsWith(Limits.serverToUserPrefix)
      ? Names.checkUserId(`${prefix}channels[${i}] user id`, channel.slice(Limits.serverToUserPrefix.length))
      : Names.checkChannel(field, channel)
    if (failure !== undefined) return err(failure)
    if (typeof channel === "string") names.push(channel)
  }
  if (names.length > 1 && names.some(Names.isEncrypted)) {
    return err(fail(`${prefix}channels`, `a ${Limits.encryptedPrefix} channel must be triggered alone`))
  }
  return ok(names)
}

const checkOptional = (
  field: string,
  value: unknown,
  check: (field: string, value: unknown) => Failure | undefined
): Result<string | undefined> => {
  if (value === undefined) return ok(undefined)
  const failure = check(field, value)
  return failure === undefined && typeof value === "string"
    ? ok(value)
    : err(failure ?? fail(field, "must be a string"))
}

const checkInfo = (field: string, value: unknown): Failure | undefined =>
  typeof value === "string" ? undefined : fail(field, "must be a comma-separated string")

/** One event's fields; the data limit answers 413, every other rule 400. */
const checkEvent = (
  prefix: string,
  event: Record<string, unknown>,
  channels: ReadonlyArray<unknown>,
  maxPayloadBytes: number
): Result<EventRequest, Reply> => {
  const { data, name } = event
  const failure = Names.checkEventName(`${prefix}name`, name) ??
    (typeof data === "string" ? undefined : fail(`${prefix}data`, "must be a string"))
  if (failure !== undefined || typeof name !== "string" || typeof data !== "string") {
    return err(refuse(failure ?? fail(`${prefix}name`, "must be a string")))
  }
  const names = checkChannels(prefix, channels)
  if (!names.ok) return err(refuse(names.error))
  const socketId = checkOptional(`${prefix}socket_id`, event.socket_id, Names.checkSocketId)
  if (!socketId.ok) return err(refuse(socketId.error))
  const info = checkOptional(`${prefix}info`, event.info, checkInfo)
  if (!info.ok) return err(refuse(info.error))
  const tooLarge = Json.checkPayloadSize(`${prefix}data`, data, maxPayloadBytes)
  if (tooLarge !== undefined) return err(refuse(tooLarge, 413))
  return ok({
    name,
    data,
    channels: names.value,
    socketId: socketId.value,
    info: EmulatorQueries.parseInfo(info.value)
  })
}

/**
 * The body of `POST /events`: one event for 1-100 channels.
 *
 * @since 0.1.0
 * @category validation
 */
export const checkTrigger = (body: string, maxPayloadBytes: number): Result<EventRequest, Reply> => {
  const event = Json.parseOrUndefined(body)
  if (!Json.isRecord(event)) return err(text(400, "The body must be a JSON object"))
  const channels: unknown = event.channels ?? (event.channel === undefined ? [] : [event.channel])
  if (!Array.isArray(channels)) return err(refuse(fail("channels", "must be an array of channel names")))
  if (channels.length === 0) return err(refuse(fail("channels", "must name at least one channel")))
  if (channels.length > Limits.maxChannelsPerTrigger) {
    const rule = `must name at most ${Limits.maxChannelsPerTrigger} channels per event, got ${channels.length}`
    return err(refuse(fail("channels", rule)))
  }
  return checkEvent("", event, channels, maxPayloadBytes)
}

/**
 * The body of `POST /batch_events`: 1 to `maxEventsPerBatch` (10 on multi-tenant plans) events of one channel
 * each.
 *
 * @since 0.1.0
 * @category validation
 */
export const checkBatch = (
  body: string,
  maxPayloadBytes: number,
  maxEventsPerBatch: number = Limits.maxEventsPerBatch
): Result<ReadonlyArray<EventRequest>, Reply> => {
  const json = Json.parseOrUndefined(body)
  if (!Json.isRecord(json) || !Array.isArray(json.batch)) {
    return err(text(400, "The body must be a JSON object with a batch array"))
  }
  const batch: ReadonlyArray<unknown> = json.batch
  const size = Events.checkBatchSize("batch", batch, maxEventsPerBatch)
  if (size !== undefined) return err(refuse(size))
  const events: Array<EventRequest> = []
  for (let i = 0; i < batch.length; i++) {
    const item = batch[i]
    if (!Json.isRecord(item)) return err(refuse(fail(`batch[${i}]`, "must be an event object")))
    const event = checkEvent(`batch[${i}].`, item, [item.channel], maxPayloadBytes)
    if (!event.ok) return event
    events.push(event.value)
  }
  return ok(events)
}

/**
 * A fault queued in place of processing a request (the test kit's `Fault`, as plain data). A `Delay` is
 * waited out by the caller, then the request is processed.
 *
 * @since 0.1.0
 * @category faults
 */
export type Fault =
  | { readonly _tag: "Status"; readonly status: number; readonly body?: string | undefined }
  | { readonly _tag: "Transport"; readonly description?: string | undefined }
  | { readonly _tag: "MalformedBody"; readonly body?: string | undefined }
  | { readonly _tag: "Delay"; readonly duration: unknown }

/**
 * What a fault answers instead of the API: a reply, or a dropped connection with its description.
 *
 * @since 0.1.0
 * @category faults
 */
export type FaultAnswer =
  | { readonly _tag: "Response"; readonly status: number; readonly contentType: string; readonly body: string }
  | { readonly _tag: "TransportFault"; readonly description: string }

/**
 * The answer of a fault other than `Delay`: its status with a text body (a default one per status), a 200
 * whose body is not what the API returns (default: truncated JSON), or no answer at all.
 *
 * @since 0.1.0
 * @category faults
 */
export const faultAnswer = (fault: Exclude<Fault, { readonly _tag: "Delay" }>): FaultAnswer => {
  switch (fault._tag) {
    case "Status":
      return { _tag: "Response", ...text(fault.status, fault.body ?? statusText(fault.status)) }
    case "MalformedBody":
      return { _tag: "Response", status: 200, contentType: "application/json", body: fault.body ?? "{\"channels\":" }
    case "Transport":
      return { _tag: "TransportFault", description: fault.description ?? "connection reset by the emulator" }
  }
}

/**
 * Checks a fault and how many requests it is for (1 to 10,000); a `Status` fault's status is an error status
 * (400-599). A `Delay`'s duration is the caller's to check (it is the caller's duration type).
 *
 * @since 0.1.0
 * @category faults
 */
export const checkFault = (fault: Fault, times: number): Failure | undefined => {
  if (!Number.isSafeInteger(times) || times < 1 || times > 10_000) {
    return fail("times", "must be an integer from 1 to 10000")
  }
  if (fault._tag === "Status" && (!Number.isInteger(fault.status) || fault.status < 400 || fault.status > 599)) {
    return fail("fault.status", "must be an error status from 400 to 599")
  }
  return undefined
}
