/**
 * Decoding what pusher-js posts to a channel authorization or user authentication endpoint, so that an
 * endpoint is one line: `AuthRequest.authorizeChannel({ headers, body })`.
 *
 * pusher-js posts `application/x-www-form-urlencoded` bodies (`socket_id=…&channel_name=…`, or only
 * `socket_id` for user sign-in); custom authorizers often post the same fields as JSON. Both are accepted,
 * as is a body a framework has already parsed into an object. A missing, repeated or malformed field is a
 * `ValidationError` naming it; nothing throws.
 *
 * @since 0.1.0
 */
import * as Encoding from "@effect-pusher/protocol/Encoding"
import * as Headers from "@effect-pusher/protocol/Headers"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Operation from "./internal/operation.js"
import * as V from "./internal/validation.js"
import * as Pusher from "./Pusher.js"
import type * as PusherConfig from "./PusherConfig.js"
import type { EncryptionError } from "./PusherError.js"
import { ValidationError } from "./PusherError.js"

const ruleOf = (error: ValidationError | undefined): true | string => error === undefined ? true : error.rule

/**
 * A socket id as Channels issues it: `1234.5678`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SocketId = Schema.String.pipe(
  Schema.filter((s) => ruleOf(V.checkSocketId("socket_id", s))),
  Schema.annotations({ identifier: "SocketId" })
)

/**
 * A channel name: 1-200 characters of `A-Z a-z 0-9 _ - = @ , . ;`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChannelName = Schema.String.pipe(
  Schema.filter((s) => ruleOf(V.checkChannel("channel_name", s))),
  Schema.annotations({ identifier: "ChannelName" })
)

/**
 * The fields of a channel authorization request: `socket_id` and `channel_name` on the wire.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChannelAuthRequest = Schema.Struct({
  socketId: Schema.propertySignature(SocketId).pipe(Schema.fromKey("socket_id")),
  channelName: Schema.propertySignature(ChannelName).pipe(Schema.fromKey("channel_name"))
})

/**
 * @since 0.1.0
 * @category models
 */
export interface ChannelAuthRequest extends Schema.Schema.Type<typeof ChannelAuthRequest> {}

/**
 * The fields of a user authentication (sign-in) request: `socket_id` on the wire.
 *
 * @since 0.1.0
 * @category schemas
 */
export const UserAuthRequest = Schema.Struct({
  socketId: Schema.propertySignature(SocketId).pipe(Schema.fromKey("socket_id"))
})

/**
 * @since 0.1.0
 * @category models
 */
export interface UserAuthRequest extends Schema.Schema.Type<typeof UserAuthRequest> {}

/**
 * A request as an endpoint sees it. `body` is the raw body (text or bytes), or what a framework has already
 * parsed it into (`URLSearchParams` or a plain object); `headers` (any case) give the `Content-Type` of a
 * raw body, and may be omitted, in which case the body's form is recognized from its first character.
 *
 * @since 0.1.0
 * @category models
 */
export interface AuthHttpRequest {
  readonly headers?:
    | globalThis.Headers
    | Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
    | undefined
  readonly body: string | Uint8Array | URLSearchParams | Readonly<Record<string, unknown>>
}

const contentTypeOf = (headers: AuthHttpRequest["headers"]): string | undefined => {
  if (headers === undefined) return undefined
  const value = Headers.lookup(headers, "content-type")
  return typeof value === "string" ? value : value?.[0]
}

const fromSearchParams = (params: URLSearchParams): Record<string, unknown> | ValidationError => {
  const out: Record<string, unknown> = {}
  for (const [name, value] of params) {
    if (Object.prototype.hasOwnProperty.call(out, name)) {
      return V.fail(name, "must be given once")
    }
    out[name] = value
  }
  return out
}

/** The body's fields, from whichever form it came in. */
const fieldsOf = (request: AuthHttpRequest): Record<string, unknown> | ValidationError => {
  if (typeof request !== "object" || request === null) return V.fail("request", "must be { headers, body }")
  let body = request.body
  if (body instanceof URLSearchParams) return fromSearchParams(body)
  if (body instanceof Uint8Array) {
    const text = Encoding.utf8DecodeStrict(body)
    if (text === undefined) return V.fail("body", "must be UTF-8")
    body = text
  }
  if (typeof body !== "string") {
    return typeof body === "object" && body !== null && !Array.isArray(body)
      ? body as Record<string, unknown>
      : V.fail("body", "must be a form or JSON object with socket_id")
  }
  const contentType = contentTypeOf(request.headers)
  const mediaType = contentType === undefined ? undefined : Headers.mediaType(contentType)
  const json = mediaType === undefined || mediaType === ""
    ? body.trimStart().startsWith("{")
    : mediaType === "application/json"
    ? true
    : mediaType === "application/x-www-form-urlencoded"
    ? false
    : undefined
  if (json === undefined) {
    return V.fail("Content-Type", "must be application/x-www-form-urlencoded or application/json")
  }
  if (!json) return fromSearchParams(new URLSearchParams(body))
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return V.fail("body", "must be a JSON object (it is not JSON)")
  }
  return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
    ? parsed as Record<string, unknown>
    : V.fail("body", "must be a JSON object with socket_id")
}

const decoder = <A, I>(schema: Schema.Schema<A, I>) => {
  const decode = ParseResult.decodeUnknownEither(schema, { errors: "first" })
  return (request: AuthHttpRequest): Either.Either<A, ValidationError> => {
    const fields = fieldsOf(request)
    if (fields instanceof ValidationError) return Either.left(fields)
    return Either.mapLeft(decode(fields), (issue) => {
      const first = ParseResult.ArrayFormatter.formatIssueSync(issue)[0]
      return V.fail(first?.path.join(".") || "body", first?.message ?? "is invalid")
    })
  }
}

/** A request from an untyped caller can throw when read (a getter, a proxy): that is a ValidationError too. */
const guarded = <A>(
  decode: (request: AuthHttpRequest) => Either.Either<A, ValidationError>,
  request: AuthHttpRequest
): Either.Either<A, ValidationError> => {
  try {
    return decode(request)
  } catch (cause) {
    return Either.left(Operation.unreadableInput(cause))
  }
}

const decodeChannelEither = decoder(ChannelAuthRequest)
const decodeUserEither = decoder(UserAuthRequest)

/**
 * Decodes a channel authorization request (`socket_id`, `channel_name`).
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeChannel = (request: AuthHttpRequest): Effect.Effect<ChannelAuthRequest, ValidationError> =>
  Effect.suspend(() => guarded(decodeChannelEither, request))

/**
 * Decodes a user authentication request (`socket_id`).
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeUser = (request: AuthHttpRequest): Effect.Effect<UserAuthRequest, ValidationError> =>
  Effect.suspend(() => guarded(decodeUserEither, request))

/**
 * Decodes a channel authorization request and authorizes it. A presence channel needs `presenceData`: give
 * it directly, or as a function of the decoded request (typically looking up the session's user).
 *
 * @example
 * ```ts
 * const answer = yield* AuthRequest.authorizeChannel({ headers, body }, () => Effect.succeed({ user_id: "ada" }))
 * ```
 *
 * @since 0.1.0
 * @category authorization
 */
export const authorizeChannel = <E = never, R = never>(
  request: AuthHttpRequest,
  presenceData?:
    | Pusher.PresenceData
    | ((request: ChannelAuthRequest) => Effect.Effect<Pusher.PresenceData | undefined, E, R>)
): Effect.Effect<
  Pusher.ChannelAuthorization,
  ValidationError | EncryptionError | E,
  PusherConfig.PusherConfig | R
> => {
  const decoded = guarded(decodeChannelEither, request)
  if (Either.isLeft(decoded)) return Effect.fail(decoded.left)
  const { channelName, socketId } = decoded.right
  if (typeof presenceData !== "function") return Pusher.authorizeChannel(socketId, channelName, presenceData)
  // Only presence channels carry presence data; the lookup is skipped for the others.
  if (!channelName.startsWith("presence-")) return Pusher.authorizeChannel(socketId, channelName)
  return Effect.flatMap(presenceData(decoded.right), (data) => Pusher.authorizeChannel(socketId, channelName, data))
}

/**
 * Decodes a user authentication request and signs the user in, given directly or as a function of the
 * decoded request.
 *
 * @since 0.1.0
 * @category authorization
 */
export const authenticateUser = <E = never, R = never>(
  request: AuthHttpRequest,
  user: Pusher.UserData | ((request: UserAuthRequest) => Effect.Effect<Pusher.UserData, E, R>)
): Effect.Effect<Pusher.UserAuthentication, ValidationError | E, PusherConfig.PusherConfig | R> => {
  const decoded = guarded(decodeUserEither, request)
  if (Either.isLeft(decoded)) return Effect.fail(decoded.left)
  const { socketId } = decoded.right
  if (typeof user !== "function") return Pusher.authenticateUser(socketId, user)
  return Effect.flatMap(user(decoded.right), (data) => Pusher.authenticateUser(socketId, data))
}

/**
 * The current `@effect/platform` server request as an {@link AuthHttpRequest}; a body that cannot be read
 * is a `ValidationError` on `body`.
 *
 * @example
 * ```ts
 * HttpRouter.post(
 *   "/pusher/auth",
 *   AuthRequest.fromServerRequest.pipe(
 *     Effect.flatMap((request) => AuthRequest.authorizeChannel(request)),
 *     Effect.flatMap(HttpServerResponse.json)
 *   )
 * )
 * ```
 *
 * @since 0.1.0
 * @category platform
 */
export const fromServerRequest: Effect.Effect<AuthHttpRequest, ValidationError, HttpServerRequest.HttpServerRequest> =
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
    Effect.mapBoth(request.text, {
      onFailure: () => V.fail("body", "could not be read"),
      onSuccess: (body): AuthHttpRequest => ({ headers: request.headers, body })
    }))
