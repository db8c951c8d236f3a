/**
 * Decoding what pusher-js posts to a channel authorization or user authentication endpoint, so that an
 * endpoint is one line: `AuthRequest.authorizeChannel({ headers, body })`.
 *
 * pusher-js posts `application/x-www-form-urlencoded` bodies (`socket_id=…&channel_name=…`, or only
 * `socket_id` for user sign-in); custom authorizers often post the same fields as JSON. Both are accepted,
 * as is a body a framework has already parsed into an object. A missing, repeated or malformed field is a
 * `ValidationError` naming it; nothing throws.
 *
 * @since 1.0.0
 */
import * as AuthBody from "@effect-pusher/protocol/AuthBody"
import type * as Failure from "@effect-pusher/protocol/Failure"
import * as Limits from "@effect-pusher/protocol/Limits"
import * as Names from "@effect-pusher/protocol/Names"
import * as Effect from "effect/Effect"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as Predicate from "effect/Predicate"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaParser from "effect/SchemaParser"
import * as Body from "./internal/body.js"
import * as Issue from "./internal/issue.js"
import * as Operation from "./internal/operation.js"
import { toEither } from "./internal/validation.js"
import * as Pusher from "./Pusher.js"
import type * as PusherConfig from "./PusherConfig.js"
import type { EncryptionError } from "./PusherError.js"
import { ValidationError } from "./PusherError.js"

// A Schema filter answers `true` or the message; the rule of a protocol failure is that message.
const ruleOf = (failure: Failure.Failure | undefined): true | string => failure === undefined ? true : failure.rule

/**
 * A socket id as Channels issues it: `1234.5678`.
 *
 * @since 1.0.0
 * @category schemas
 */
export const SocketId = Schema.String.check(
  Schema.makeFilter((s: string) => ruleOf(Names.checkSocketId("socket_id", s)))
).annotate({ identifier: "SocketId" })

/**
 * A channel name: 1-200 characters of `A-Z a-z 0-9 _ - = @ , . ;`.
 *
 * @since 1.0.0
 * @category schemas
 */
export const ChannelName = Schema.String.check(
  Schema.makeFilter((s: string) => ruleOf(Names.checkChannel("channel_name", s)))
).annotate({ identifier: "ChannelName" })

/**
 * The fields of a channel authorization request: `socket_id` and `channel_name` on the wire.
 *
 * @since 1.0.0
 * @category schemas
 */
export const ChannelAuthRequest = Schema.Struct({ socketId: SocketId, channelName: ChannelName }).pipe(
  Schema.encodeKeys({ socketId: "socket_id", channelName: "channel_name" })
)

/**
 * A decoded channel authorization request: the `socketId` and `channelName` that pusher-js posted.
 *
 * @since 1.0.0
 * @category models
 */
export interface ChannelAuthRequest extends Schema.Schema.Type<typeof ChannelAuthRequest> {}

/**
 * The fields of a user authentication (sign-in) request: `socket_id` on the wire.
 *
 * @since 1.0.0
 * @category schemas
 */
export const UserAuthRequest = Schema.Struct({ socketId: SocketId }).pipe(
  Schema.encodeKeys({ socketId: "socket_id" })
)

/**
 * A decoded user authentication (sign-in) request: the `socketId` that pusher-js posted.
 *
 * @since 1.0.0
 * @category models
 */
export interface UserAuthRequest extends Schema.Schema.Type<typeof UserAuthRequest> {}

/**
 * A request as an endpoint sees it. `body` is the raw body (text or bytes), or what a framework has already
 * parsed it into (`URLSearchParams` or a plain object); `headers` (any case) give the `Content-Type` of a
 * raw body, and may be omitted, in which case the body's form is recognized from its first character.
 *
 * @since 1.0.0
 * @category models
 */
export interface AuthHttpRequest {
  readonly headers?:
    | globalThis.Headers
    | Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
    | undefined
  readonly body: string | Uint8Array | URLSearchParams | Readonly<Record<string, unknown>>
}

const decoder = <A, I>(schema: Schema.Codec<A, I>) => {
  const decode = SchemaParser.decodeUnknownResult(schema, { errors: "first" })
  return (snapshot: AuthBody.Snapshot): Result.Result<A, ValidationError> =>
    Result.flatMap(toEither(AuthBody.fields(snapshot)), (fields) =>
      Result.mapError(decode(fields), (issue) => {
        const leaf = Issue.firstLeaf(issue)
        return new ValidationError({ field: leaf.path === "" ? "body" : leaf.path, rule: leaf.message })
      }))
}

const decodeChannelResult = decoder(ChannelAuthRequest)
const decodeUserResult = decoder(UserAuthRequest)

/**
 * Runs `body` on the decoded request: only reading the request is guarded (an untyped caller's getter or
 * proxy can throw), decoding and what follows are ours.
 */
const withDecoded = <A, B, E, R>(
  name: string,
  request: AuthHttpRequest,
  decode: (snapshot: AuthBody.Snapshot) => Result.Result<A, ValidationError>,
  body: (decoded: A) => Effect.Effect<B, E, R>
): Effect.Effect<B, E | ValidationError, R> =>
  Operation.operation(
    name,
    () => AuthBody.read(request),
    Operation.unreadableInput,
    (snapshot): Effect.Effect<B, E | ValidationError, R> =>
      Result.match(decode(snapshot), { onFailure: Effect.fail, onSuccess: body })
  )

/**
 * Decodes a channel authorization request (`socket_id`, `channel_name`).
 *
 * @since 1.0.0
 * @category decoding
 */
export const decodeChannel = (request: AuthHttpRequest): Effect.Effect<ChannelAuthRequest, ValidationError> =>
  withDecoded("AuthRequest.decodeChannel", request, decodeChannelResult, Effect.succeed)

/**
 * Decodes a user authentication request (`socket_id`).
 *
 * @since 1.0.0
 * @category decoding
 */
export const decodeUser = (request: AuthHttpRequest): Effect.Effect<UserAuthRequest, ValidationError> =>
  withDecoded("AuthRequest.decodeUser", request, decodeUserResult, Effect.succeed)

/**
 * Decodes a channel authorization request and authorizes it. A presence channel takes `presenceData`: give
 * it directly, or as a function of the decoded request (typically looking up the session's user); without
 * it (or when the function answers `undefined`) the member is the user signed in with `authenticateUser`.
 *
 * @example
 * ```ts
 * import { AuthRequest, PusherConfig } from "@effect-pusher/core"
 * import { Effect } from "effect"
 *
 * // What pusher-js posts to the authorization endpoint, as any HTTP framework hands it over.
 * const request = {
 *   headers: { "content-type": "application/x-www-form-urlencoded" },
 *   body: "socket_id=1234.5678&channel_name=presence-room"
 * }
 *
 * // On a presence channel, say who the member is (typically from the session).
 * const program = AuthRequest.authorizeChannel(request, () => Effect.succeed({ user_id: "ada" }))
 *
 * Effect.runPromise(
 *   Effect.provide(program, PusherConfig.layer({ appId: "123456", key: "app-key", secret: "app-secret" }))
 * ).then((answer) => console.log(JSON.stringify(answer))) // the JSON body to answer pusher-js with
 * ```
 *
 * @since 1.0.0
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
> =>
  withDecoded("AuthRequest.authorizeChannel", request, decodeChannelResult, (decoded) => {
    const { channelName, socketId } = decoded
    if (typeof presenceData !== "function") return Pusher.authorizeChannel(socketId, channelName, presenceData)
    // Only presence channels carry presence data; the lookup is skipped for the others.
    if (!Names.isPresence(channelName)) return Pusher.authorizeChannel(socketId, channelName)
    return Effect.flatMap(presenceData(decoded), (data) => Pusher.authorizeChannel(socketId, channelName, data))
  })

/**
 * Decodes a user authentication request and signs the user in, given directly or as a function of the
 * decoded request.
 *
 * @since 1.0.0
 * @category authorization
 */
export const authenticateUser = <E = never, R = never>(
  request: AuthHttpRequest,
  user: Pusher.UserData | ((request: UserAuthRequest) => Effect.Effect<Pusher.UserData, E, R>)
): Effect.Effect<Pusher.UserAuthentication, ValidationError | E, PusherConfig.PusherConfig | R> =>
  withDecoded("AuthRequest.authenticateUser", request, decodeUserResult, (decoded) => {
    if (typeof user !== "function") return Pusher.authenticateUser(decoded.socketId, user)
    return Effect.flatMap(user(decoded), (data) => Pusher.authenticateUser(decoded.socketId, data))
  })

/**
 * The current `effect/http` server request as an {@link AuthHttpRequest}; a body that cannot be read, or is
 * over `Limits.defaultMaxAuthBodyBytes` (64 KiB, or the server's smaller `MaxBodySize`), is a
 * `ValidationError` on `body`, and reading stops there. On Effect 4 a route is a `Layer`
 * (`HttpRouter.add`) and a handler a plain `Effect` of the response that needs the `HttpServerRequest`.
 *
 * @example
 * ```ts
 * import { AuthRequest, PusherConfig } from "@effect-pusher/core"
 * import { Effect, Layer } from "effect"
 * import { HttpRouter, HttpServerResponse } from "effect/http"
 *
 * const route = HttpRouter.add(
 *   "POST",
 *   "/pusher/auth",
 *   AuthRequest.fromServerRequest.pipe(
 *     Effect.flatMap((request) => AuthRequest.authorizeChannel(request)),
 *     Effect.map((answer) => HttpServerResponse.jsonUnsafe(answer)),
 *     Effect.catchTag(
 *       "ValidationError",
 *       (error) => Effect.succeed(HttpServerResponse.text(error.message, { status: 400 }))
 *     )
 *   )
 * )
 *
 * // Serve `route` with any `effect/http` server; here it answers one request in memory.
 * const { dispose, handler } = HttpRouter.toWebHandler(
 *   Layer.mergeAll(route, PusherConfig.layer({ appId: "123456", key: "app-key", secret: "app-secret" }))
 * )
 * handler(
 *   new Request("http://localhost/pusher/auth", {
 *     method: "POST",
 *     headers: { "content-type": "application/x-www-form-urlencoded" },
 *     body: "socket_id=1234.5678&channel_name=private-orders"
 *   })
 * )
 *   .then((response) => response.json())
 *   .then((body) => console.log(body)) // { auth: "app-key:…" }
 *   .finally(dispose)
 * ```
 *
 * @since 1.0.0
 * @category platform
 */
export const fromServerRequest: Effect.Effect<AuthHttpRequest, ValidationError, HttpServerRequest.HttpServerRequest> =
  Effect.flatMap(
    HttpServerRequest.HttpServerRequest,
    (request) =>
      Body.underServerLimit(Limits.defaultMaxAuthBodyBytes).pipe(
        Effect.flatMap((limit) => Body.read(request, limit)),
        Effect.mapBoth({
          onFailure: (error) =>
            new ValidationError({
              field: "body",
              rule: Predicate.isTagged(error, "BodyTooLarge")
                ? `must be at most ${error.limit} bytes`
                : "could not be read"
            }),
          onSuccess: (body): AuthHttpRequest => ({ headers: request.headers, body })
        })
      )
  )
