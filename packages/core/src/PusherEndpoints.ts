/**
 * The three HTTP endpoints a Channels app serves, as `@effect/platform` `HttpApp`s: channel authorization
 * and user authentication (what pusher-js calls) and the webhook receiver (what Pusher calls).
 *
 * They run on any `@effect/platform` HTTP server; `@effect-pusher/platform-node` turns them into a plain
 * Node `(req, res)` handler for `node:http`, Express or Fastify.
 *
 * @since 0.1.0
 */
import * as ProtocolWebhook from "@effect-pusher/protocol/Webhook"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Data from "effect/Data"
import * as Deferred from "effect/Deferred"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Predicate from "effect/Predicate"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as AuthRequest from "./AuthRequest.js"
import * as Body from "./internal/body.js"
import * as Endpoints from "./internal/endpoints.js"
import * as WebhookInternal from "./internal/webhook.js"
import * as Pusher from "./Pusher.js"
import type * as PusherConfig from "./PusherConfig.js"
import { EncryptionError, ValidationError, type WebhookError } from "./PusherError.js"
import type * as Webhook from "./Webhook.js"

/**
 * What an authorizer decides for a channel subscription.
 *
 * @since 0.1.0
 * @category models
 */
export type ChannelDecision = Data.TaggedEnum<{
  /** Refuse: the endpoint answers 403 and pusher-js reports a subscription error. */
  Deny: { readonly reason?: string | undefined }
  /**
   * Allow a private (or encrypted) channel; on a presence channel, allow the user signed in with
   * `authenticateUser` as the member (no presence data is signed).
   */
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a variant without fields
  Allow: {}
  /** Allow a presence channel as this member. */
  AllowPresence: { readonly data: Pusher.PresenceData }
}>

const ChannelDecision = Data.taggedEnum<ChannelDecision>()

/**
 * A refusal, for a channel subscription or a sign-in.
 *
 * @since 0.1.0
 * @category models
 */
export type Deny = Extract<ChannelDecision, { readonly _tag: "Deny" }>

/**
 * Refuses a channel authorization or a sign-in; the endpoint answers 403 with `reason`, if given.
 *
 * @since 0.1.0
 * @category constructors
 */
export const deny = (reason?: string): Deny => ChannelDecision.Deny({ reason })

/**
 * Authorizes a private (or private-encrypted) channel.
 *
 * @since 0.1.0
 * @category constructors
 */
export const allow: ChannelDecision = ChannelDecision.Allow()

/**
 * Authorizes a presence channel with the member's data (`user_id` and optional `user_info`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const allowPresence = (data: Pusher.PresenceData): ChannelDecision => ChannelDecision.AllowPresence({ data })

/**
 * What an authenticator decides for a sign-in: the user, or a refusal.
 *
 * @since 0.1.0
 * @category models
 */
export type UserDecision = Pusher.UserData | Deny

/**
 * Options every endpoint takes.
 *
 * @since 0.1.0
 * @category models
 */
export interface EndpointOptions {
  /**
   * The largest request body read, in bytes: a body over it is answered 413 as soon as its
   * `Content-Length` or its first bytes past the limit show it, without reading the rest. By default
   * 64 KiB for the auth endpoints (`Limits.defaultMaxAuthBodyBytes`) and `max(1 MiB, 100 × maxPayloadBytes)`
   * for webhooks (`Limits.maxWebhookBodyBytes`, which states how that is derived); a default never exceeds
   * the server's own `HttpIncomingMessage.MaxBodySize` (`NodeHttpServer` sets 10 MiB).
   */
  readonly maxBodyBytes?: number | undefined
}

/**
 * Options of the webhook endpoints: verification and the body limit.
 *
 * @since 0.1.0
 * @category models
 */
export interface WebhookEndpointOptions extends Webhook.VerifyOptions, EndpointOptions {}

// A refusal by the user's authorizer, carried in the error channel to the edge of the endpoint.
class Denied extends Data.TaggedError("Denied")<{ readonly reason: string | undefined }> {}

type Refusal = Denied | ValidationError | EncryptionError

const isRefusal = (error: unknown): error is Refusal =>
  error instanceof Denied || error instanceof ValidationError || error instanceof EncryptionError

// A refusal is 403; an authorization that cannot be given (a public channel, presence data that does not
// fit the channel) is refused too; a missing encryption key is the server's configuration (500).
const refused = (error: Refusal) =>
  Predicate.isTagged(error, "Denied")
    ? Endpoints.errorResponse(403, error.reason ?? "Forbidden")
    : Endpoints.errorResponse(Predicate.isTagged(error, "EncryptionError") ? 500 : 403, error.message)

/**
 * Reads the body under the endpoint's limit (415 for a type it cannot be, 413 over the limit, both before
 * the rest is read), decodes it (400 when malformed) and answers with the authorization `decide` gives as
 * JSON; its refusals become responses here, once. Other failures of `decide` propagate.
 */
const authEndpoint = <Request, E, R>(
  name: string,
  options: EndpointOptions | undefined,
  decode: (request: AuthRequest.AuthHttpRequest) => Effect.Effect<Request, ValidationError>,
  decide: (request: Request) => Effect.Effect<object, E | Refusal, R>
): Effect.Effect<
  HttpServerResponse.HttpServerResponse,
  E,
  R | PusherConfig.PusherConfig | HttpServerRequest.HttpServerRequest
> => {
  const limit = Endpoints.readLimit(Endpoints.readOptions(name, options, Endpoints.authOptionKeys))
  return Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
    Endpoints.unsupportedAuthType(request)
      ? Effect.succeed(
        Endpoints.refusedUnread(415, "Content-Type must be application/x-www-form-urlencoded or application/json")
      )
      : Endpoints.authLimit(name, limit).pipe(
        Effect.flatMap((bytes) => Body.read(request, bytes)),
        Effect.matchEffect({
          onFailure: Endpoints.unread,
          onSuccess: (body) =>
            Effect.matchEffect(decode({ headers: request.headers, body }), {
              // A request that does not decode is the client's fault (400).
              onFailure: (error) => Effect.succeed(Endpoints.errorResponse(400, error.message)),
              onSuccess: (decoded) =>
                decide(decoded).pipe(
                  Effect.map((answer) => HttpServerResponse.unsafeJson(answer)),
                  Effect.catchIf(isRefusal, (error) => Effect.succeed(refused(error)))
                )
            })
        })
      ))
}

const refuse = (reason: string | undefined) => Effect.fail(new Denied({ reason }))

/**
 * The channel authorization endpoint (pusher-js `channelAuthorization.endpoint`). It decodes the form or
 * JSON request, asks `authorize`, and answers 200 with the authorization JSON, 403 when denied (or when
 * the decision does not fit the channel), 400 for a malformed request, 413 for a body over
 * `options.maxBodyBytes` and 415 for a type that is neither a form nor JSON. Failures of `authorize` itself
 * propagate, so the server answers them with 500.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const channelAuthorization = <E, R>(
  authorize: (request: AuthRequest.ChannelAuthRequest) => Effect.Effect<ChannelDecision, E, R>,
  options?: EndpointOptions
): Effect.Effect<
  HttpServerResponse.HttpServerResponse,
  E,
  R | PusherConfig.PusherConfig | HttpServerRequest.HttpServerRequest
> =>
  authEndpoint(
    "PusherEndpoints.channelAuthorization",
    options,
    AuthRequest.decodeChannel,
    (request) =>
      Effect.flatMap(authorize(request), (decision) =>
        ChannelDecision.$match(decision, {
          Deny: ({ reason }) => refuse(reason),
          Allow: () => Pusher.authorizeChannel(request.socketId, request.channelName),
          AllowPresence: ({ data }) => Pusher.authorizeChannel(request.socketId, request.channelName, data)
        }))
  )

/**
 * The user authentication endpoint (pusher-js `userAuthentication.endpoint`, used by `signin()`): answers
 * 200 with `{ auth, user_data }`, 403 when denied or when the user data is invalid, 400 for a malformed
 * request, 413 and 415 as {@link channelAuthorization}.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const userAuthentication = <E, R>(
  authenticate: (request: AuthRequest.UserAuthRequest) => Effect.Effect<UserDecision, E, R>,
  options?: EndpointOptions
): Effect.Effect<
  HttpServerResponse.HttpServerResponse,
  E,
  R | PusherConfig.PusherConfig | HttpServerRequest.HttpServerRequest
> =>
  authEndpoint(
    "PusherEndpoints.userAuthentication",
    options,
    AuthRequest.decodeUser,
    (request) =>
      Effect.flatMap(authenticate(request), (decision): Effect.Effect<object, Refusal, PusherConfig.PusherConfig> =>
        Predicate.isTagged(decision, "Deny")
          ? refuse(decision.reason)
          : Pusher.authenticateUser(request.socketId, decision))
  )

/**
 * The HTTP status for a rejected webhook: 401 when it is not proven to come from Pusher, 415 when it is not
 * JSON, 400 when it is proven but cannot be used. Pusher retries any non-2xx answer for a while.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const webhookErrorStatus = (error: WebhookError): number => ProtocolWebhook.httpStatus(error.reason)

// What needs no body first (401/415, the body left unread), then the raw body, as signed, under the limit
// (413), then verified.
const verifyRequest = (
  maxAge: Either.Either<Duration.Duration | undefined, Endpoints.InvalidOption>,
  limit: Endpoints.LimitOption
) =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
    Endpoints.checkWebhookHeaders(request).pipe(
      Effect.mapError((error) => new Endpoints.HeadersRefused({ error })),
      Effect.zipRight(
        Endpoints.webhookLimit(limit).pipe(
          Effect.flatMap((bytes) => Body.read(request, bytes)),
          Effect.tapError(Endpoints.logRefusedForSize)
        )
      ),
      Effect.flatMap((
        body
      ): Effect.Effect<Webhook.WebhookPayload, WebhookError | Endpoints.InvalidOption, PusherConfig.PusherConfig> =>
        Either.isLeft(maxAge)
          ? Effect.fail(maxAge.left)
          : WebhookInternal.verifyChecked({ headers: request.headers, body }, maxAge.right)
      )
    ))

// The one place where a rejected webhook becomes a response.
const rejected = (
  error:
    | Endpoints.HeadersRefused
    | WebhookError
    | Body.BodyTooLarge
    | Body.BodyUnreadable
    | Endpoints.InvalidLimit
    | Endpoints.InvalidOption
) => {
  switch (error._tag) {
    case "HeadersRefused":
      return Effect.succeed(Endpoints.refusedUnread(webhookErrorStatus(error.error), error.error.message))
    case "WebhookError":
      return Effect.succeed(Endpoints.errorResponse(webhookErrorStatus(error), error.message))
    default:
      return Endpoints.unread(error)
  }
}

/**
 * The webhook endpoint: reads the raw body, verifies it, runs `handle` on the payload and answers 200 only
 * after `handle` succeeded; 401 for a bad or missing signature or an unknown key, 415 for a type that is
 * not JSON (both before the body is read), 413 for a body over `options.maxBodyBytes` (logged as an
 * error: raise the limit if genuine webhooks hit it), 400 for a body whose envelope cannot be used. An
 * event that does not match its kind reaches `handle` as an `UnknownEvent` (the webhook is still answered
 * 200: a refused one is retried, then dropped with all its events). A failure of
 * `handle` propagates (the server answers 500), so Pusher retries: handlers must be idempotent.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const webhook = <E, R>(
  handle: (payload: Webhook.WebhookPayload) => Effect.Effect<void, E, R>,
  options?: WebhookEndpointOptions
): Effect.Effect<
  HttpServerResponse.HttpServerResponse,
  E,
  R | PusherConfig.PusherConfig | HttpServerRequest.HttpServerRequest
> => webhookEndpoint(handle, Endpoints.readOptions("PusherEndpoints.webhook", options, Endpoints.webhookOptionKeys))

// The webhook endpoint on its options as read (by `webhook`, or by `webhookStream` with its own keys).
const webhookEndpoint = <E, R>(
  handle: (payload: Webhook.WebhookPayload) => Effect.Effect<void, E, R>,
  read: Either.Either<{ readonly maxAge?: unknown; readonly maxBodyBytes?: unknown }, Endpoints.InvalidOption>
) =>
  Effect.matchEffect(verifyRequest(Endpoints.readMaxAge(read), Endpoints.readLimit(read)), {
    onFailure: rejected,
    onSuccess: (payload) => Effect.as(handle(payload), HttpServerResponse.empty({ status: 200 }))
  })

/**
 * A webhook endpoint feeding a `Stream`: each verified request's events are offered to the stream, and the
 * request is answered 200 only once the stream's consumer has taken them (so a slow consumer slows Pusher
 * down instead of losing events); after the scope closes, requests get 503 and Pusher retries them.
 * Delivery is at most once past that point: events taken by a consumer that then fails are not sent again.
 * `capacity` bounds the payloads waiting to be taken.
 *
 * @since 0.1.0
 * @category endpoints
 */
export const webhookStream = (
  options?: WebhookEndpointOptions & { readonly capacity?: number | undefined }
): Effect.Effect<
  {
    readonly endpoint: Effect.Effect<
      HttpServerResponse.HttpServerResponse,
      never,
      PusherConfig.PusherConfig | HttpServerRequest.HttpServerRequest
    >
    readonly events: Stream.Stream<Webhook.WebhookEvent>
  },
  ValidationError,
  Scope.Scope
> =>
  Effect.gen(function*() {
    // Read once here: the endpoint gets the webhook options as plain values, `capacity` is the queue's.
    const read = yield* Either.mapLeft(
      Endpoints.readOptions("PusherEndpoints.webhookStream", options, Endpoints.webhookStreamOptionKeys),
      (invalid) => invalid.error
    )
    // Requests waiting for the consumer; when the scope closes they are answered 503, so Pusher retries.
    const waiting = new Set<Deferred.Deferred<void, "closed">>()
    const queue = yield* Effect.acquireRelease(
      Queue.bounded<{ readonly payload: Webhook.WebhookPayload; readonly taken: Deferred.Deferred<void, "closed"> }>(
        yield* Endpoints.readCapacity(read.capacity)
      ),
      (queue) =>
        Effect.zipRight(
          Queue.shutdown(queue),
          Effect.forEach(waiting, (taken) => Deferred.fail(taken, "closed"), { discard: true })
        )
    )
    const closed = Endpoints.errorResponse(503, "the webhook stream is closed")
    const endpoint = webhookEndpoint((payload) =>
      Effect.flatMap(Deferred.make<void, "closed">(), (taken) => {
        waiting.add(taken)
        return Queue.offer(queue, { payload, taken }).pipe(
          Effect.zipRight(Deferred.await(taken)),
          Effect.ensuring(Effect.sync(() => waiting.delete(taken)))
        )
      }), Either.right(read)).pipe(
        // Closed (or shut down while offering): 503, so Pusher sends the webhook again later.
        Effect.catchAllCause(() => Effect.succeed(closed))
      )
    // One payload per pull: a payload is marked taken only when the consumer asks for its events.
    const events = Stream.fromQueue(queue, { maxChunkSize: 1 }).pipe(
      Stream.mapConcatEffect(({ payload, taken }) => Effect.as(Deferred.succeed(taken, undefined), payload.events))
    )
    return { endpoint, events }
  })

/**
 * The options of `router`: the handler of each endpoint (an endpoint without one is not routed), their
 * options and paths.
 *
 * @since 0.1.0
 * @category models
 */
export interface RouterOptions<E1, R1, E2, R2, E3, R3> {
  readonly authorizeChannel?:
    | ((request: AuthRequest.ChannelAuthRequest) => Effect.Effect<ChannelDecision, E1, R1>)
    | undefined
  readonly authenticateUser?:
    | ((request: AuthRequest.UserAuthRequest) => Effect.Effect<UserDecision, E2, R2>)
    | undefined
  readonly webhook?: ((payload: Webhook.WebhookPayload) => Effect.Effect<void, E3, R3>) | undefined
  readonly webhookOptions?: WebhookEndpointOptions | undefined
  /** Options of both auth endpoints (their body limit). */
  readonly authOptions?: EndpointOptions | undefined
  /** Paths, by default `/pusher/auth`, `/pusher/user-auth` and `/pusher/webhook`. */
  readonly paths?: {
    readonly channelAuthorization?: HttpRouter.PathInput | undefined
    readonly userAuthentication?: HttpRouter.PathInput | undefined
    readonly webhook?: HttpRouter.PathInput | undefined
  } | undefined
}

/**
 * An `HttpRouter` with a POST route for each endpoint that is given.
 *
 * @example
 * ```ts
 * import { HttpApp } from "@effect/platform"
 * import { PusherConfig, PusherEndpoints } from "@effect-pusher/core"
 * import { Effect } from "effect"
 *
 * const app = PusherEndpoints.router({
 *   // Decide from your session who may subscribe to what.
 *   authorizeChannel: ({ channelName }) =>
 *     Effect.succeed(
 *       channelName.startsWith("presence-")
 *         ? PusherEndpoints.allowPresence({ user_id: "ada" })
 *         : PusherEndpoints.allow
 *     ),
 *   authenticateUser: () => Effect.succeed({ id: "ada" }),
 *   webhook: (payload) => Effect.forEach(payload.events, (event) => Effect.log(event._tag), { discard: true })
 * })
 *
 * // Serve `app` with any `@effect/platform` server; here it answers one request in memory.
 * const { dispose, handler } = HttpApp.toWebHandlerLayer(
 *   app,
 *   PusherConfig.layer({ appId: "123456", key: "app-key", secret: "app-secret" })
 * )
 * handler(
 *   new Request("http://localhost/pusher/auth", {
 *     method: "POST",
 *     headers: { "content-type": "application/x-www-form-urlencoded" },
 *     body: "socket_id=1234.5678&channel_name=presence-room"
 *   })
 * )
 *   .then((response) => response.json())
 *   .then((body) => console.log(body)) // { auth: "app-key:…", channel_data: '{"user_id":"ada"}' }
 *   .finally(dispose)
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const router = <E1 = never, R1 = never, E2 = never, R2 = never, E3 = never, R3 = never>(
  options: RouterOptions<E1, R1, E2, R2, E3, R3>
): HttpRouter.HttpRouter<E1 | E2 | E3, R1 | R2 | R3 | PusherConfig.PusherConfig> => {
  let router: HttpRouter.HttpRouter<E1 | E2 | E3, R1 | R2 | R3 | PusherConfig.PusherConfig> = HttpRouter.empty
  if (options.authorizeChannel !== undefined) {
    router = HttpRouter.post(
      router,
      options.paths?.channelAuthorization ?? "/pusher/auth",
      channelAuthorization(options.authorizeChannel, options.authOptions)
    )
  }
  if (options.authenticateUser !== undefined) {
    router = HttpRouter.post(
      router,
      options.paths?.userAuthentication ?? "/pusher/user-auth",
      userAuthentication(options.authenticateUser, options.authOptions)
    )
  }
  if (options.webhook !== undefined) {
    router = HttpRouter.post(
      router,
      options.paths?.webhook ?? "/pusher/webhook",
      webhook(options.webhook, options.webhookOptions)
    )
  }
  return router
}
