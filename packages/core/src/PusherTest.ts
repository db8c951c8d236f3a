/**
 * A test kit: an in-memory emulator of the Channels HTTP API.
 *
 * `PusherTest.layer()` provides `PusherConfig` (a test app), an `HttpClient` that hands every request to
 * the emulator without touching the network, and the `PusherTest` service that drives and inspects it.
 * Code under test keeps calling `Pusher.trigger` and friends unchanged:
 *
 * ```ts
 * it.effect("notifies the room", () =>
 *   Effect.gen(function*() {
 *     const pusher = yield* PusherTest.PusherTest
 *     yield* notifyRoom("lobby", "hello")            // calls Pusher.trigger("room-lobby", "message", ...)
 *     const event = yield* pusher.takeEvent({ channel: "room-lobby" })
 *     expect(event.data).toEqual({ text: "hello" })
 *   }).pipe(Effect.provide(PusherTest.layer())))
 * ```
 *
 * The emulator checks what hosted Channels checks: the app id (404), `auth_key`, `auth_timestamp` within
 * 600 s of the `Clock` (so `TestClock` moves it), `body_md5` and `auth_signature` (401), the request
 * rules (400 with a text body saying why) and the event data limit (413). It answers queries from
 * simulated connections (`subscribe`, `unsubscribe`, `disconnect`), records every accepted event, sends
 * signed webhooks for occupancy, presence and client events, and fails on demand (`failNext`).
 * `httpApp` serves the same emulator over real HTTP for clients outside Effect.
 *
 * @since 0.1.0
 */
import type * as EmulatorRecords from "@effect-pusher/protocol/EmulatorRecords"
import * as EmulatorSocket from "@effect-pusher/protocol/EmulatorSocket"
import type * as Json from "@effect-pusher/protocol/Json"
import type * as HttpApp from "@effect/platform/HttpApp"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientTag from "@effect/platform/HttpClient"
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import type * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import type * as Socket from "@effect/platform/Socket"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import * as ConfigRules from "./internal/configRules.js"
import * as ConfigValidate from "./internal/configValidate.js"
import * as EmulatorService from "./internal/emulator/service.js"
import * as EmulatorTransport from "./internal/emulator/transport.js"
import * as PusherConfig from "./PusherConfig.js"
import * as PusherCrypto from "./PusherCrypto.js"
import type { ValidationError } from "./PusherError.js"

// ---------------------------------------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------------------------------------

/**
 * One event as published on one channel. A trigger to three channels records three events.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedEvent extends EmulatorRecords.RecordedEvent {}

/**
 * A `terminate_connections` call.
 *
 * @since 0.1.0
 * @category models
 */
export interface Termination extends EmulatorRecords.Termination {}

/**
 * A webhook request as Channels would POST it: `Content-Type: application/json`, `X-Pusher-Key` and
 * `X-Pusher-Signature` (HMAC-SHA256 of the body with the app secret, hex). Header names are lowercase.
 * The body is `{"time_ms": ..., "events": [...]}`.
 *
 * @since 0.1.0
 * @category models
 */
export interface SentWebhook extends EmulatorRecords.SentWebhook {}

/**
 * A webhook the emulator sent: the former name of `SentWebhook`.
 *
 * @deprecated Use {@link SentWebhook}: `Webhook.WebhookRequest` is the request a handler receives.
 * @since 0.1.0
 * @category models
 */
export type WebhookRequest = SentWebhook

/**
 * A request the emulator received, and the status it answered (none after a transport fault).
 *
 * @since 0.1.0
 * @category models
 */
export interface LoggedRequest extends EmulatorRecords.LoggedRequest {}

/**
 * A request in transport-neutral form, for wiring the emulator into any server or client.
 *
 * @since 0.1.0
 * @category models
 */
export interface EmulatorRequest extends EmulatorRecords.Request {}

/**
 * What the emulator answers: a response, or a fault that the transport should turn into a dropped
 * connection.
 *
 * @since 0.1.0
 * @category models
 */
export type EmulatorAnswer =
  | { readonly _tag: "Response"; readonly status: number; readonly contentType: string; readonly body: string }
  | { readonly _tag: "TransportFault"; readonly description: string }

/**
 * A failure to inject with `failNext`. A faulted request is not processed (nothing is recorded), except
 * after a `Delay`, which answers normally once the delay has passed on the `Clock`.
 *
 * - `Status`: answer with this status (400-599) and a text body (a default one per status).
 * - `Transport`: no answer at all; the in-memory client fails with a transport `RequestError`, the Node
 *   server drops the connection.
 * - `Delay`: wait, then process the request (test your timeouts with `TestClock.adjust`).
 * - `MalformedBody`: answer 200 with a body that is not what the API returns (default: truncated JSON).
 *
 * @since 0.1.0
 * @category models
 */
export type Fault = Data.TaggedEnum<{
  Status: { readonly status: number; readonly body?: string | undefined }
  Transport: { readonly description?: string | undefined }
  Delay: { readonly duration: Duration.DurationInput }
  MalformedBody: { readonly body?: string | undefined }
}>

/**
 * Constructors of {@link Fault}: `Fault.Status({ status: 503 })`, `Fault.Transport({})`,
 * `Fault.Delay({ duration: "20 seconds" })`, `Fault.MalformedBody({})`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const Fault = Data.taggedEnum<Fault>()

/**
 * Selects recorded events: by channel and/or name, or with any predicate.
 *
 * @since 0.1.0
 * @category models
 */
export type EventFilter =
  | { readonly channel?: string | undefined; readonly name?: string | undefined }
  | ((event: RecordedEvent) => boolean)

/**
 * The options of `connect`: the socket id and the signed-in user of a simulated connection.
 *
 * @since 0.1.0
 * @category models
 */
export interface ConnectOptions {
  /** Defaults to a fresh id. */
  readonly socketId?: string | undefined
  /** The signed-in user of the connection (pusher-js `signin`): it receives `sendToUser` events and is
   * closed by `terminateUserConnections`. */
  readonly userId?: string | undefined
}

/**
 * The options of `subscribe`: which socket subscribes and, on a presence channel, as which member.
 *
 * @since 0.1.0
 * @category models
 */
export interface SubscribeOptions {
  /** The subscribing socket, connected on first use; defaults to a fresh connection. */
  readonly socketId?: string | undefined
  /** The presence member; required on `presence-` channels, not allowed elsewhere. */
  readonly user?: { readonly id: string; readonly info?: unknown } | undefined
}

/**
 * A client event (`client-*`) sent by a subscribed socket on a private or presence channel.
 *
 * @since 0.1.0
 * @category models
 */
export interface SimulatedClientEvent {
  readonly channel: string
  readonly event: string
  /** Sent as is when a string, as JSON otherwise. */
  readonly data: unknown
  readonly socketId: string
}

/**
 * A client event sent by a simulated socket: the former name of `SimulatedClientEvent`.
 *
 * @deprecated Use {@link SimulatedClientEvent}: `Webhook.ClientEvent` is the decoded webhook event.
 * @since 0.1.0
 * @category models
 */
export type ClientEvent = SimulatedClientEvent

/**
 * The test kit: an in-memory Channels app with simulated connections, its recordings (events, webhooks,
 * requests) and fault injection.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The app the emulator serves (the same one `layer` provides as `PusherConfig`). */
  readonly config: PusherConfig.Service
  /** An `HttpClient` that answers from the emulator, without network. */
  readonly client: HttpClient.HttpClient
  /**
   * The emulator as an HTTP app, to serve anywhere. A `Transport` fault has no portable meaning for a
   * server, so this app answers it with an empty 502; `NodePusherTest` drops the connection instead.
   */
  readonly httpApp: HttpApp.Default
  /** The emulator itself, for custom wiring. */
  readonly handle: (request: EmulatorRequest) => Effect.Effect<EmulatorAnswer>
  /**
   * Serves one real WebSocket, upgraded from a request to `url` (`/app/{key}?protocol=7&...`), with the
   * Channels protocol (version 7, what pusher-js 8 speaks) until it closes. Real sockets share the state
   * of the simulated clients: both see each other's subscriptions, presence members and events.
   * `httpApp` and `toHttpApp` route `/app/` upgrades here.
   */
  readonly acceptSocket: (socket: Socket.Socket, url: string) => Effect.Effect<void>
  /**
   * `app` with the debug console in front, as `NodePusherTest` serves it: `GET /` is a page showing the
   * connections, the channels with their subscribers and presence members, and a live log of REST calls,
   * events, client events and webhooks, fed by Server-Sent Events from `GET /_console/events`. Every other
   * request goes to `app` (the REST API is under `/apps/`, sockets under `/app/`). A console's feed ends
   * when its page is closed, and every feed ends when the scope closes. The page shows the app id and key,
   * never the secret.
   */
  readonly withConsole: (app: HttpApp.Default) => Effect.Effect<HttpApp.Default, never, Scope.Scope>

  /** Opens a simulated connection and returns its socket id. */
  readonly connect: (options?: ConnectOptions) => Effect.Effect<string, ValidationError>
  /** Subscribes a socket (a fresh one by default) and returns its id; webhooks follow the change. */
  readonly subscribe: (channel: string, options?: SubscribeOptions) => Effect.Effect<string, ValidationError>
  readonly unsubscribe: (channel: string, socketId: string) => Effect.Effect<void>
  /** Closes a connection: it leaves every channel it was in. */
  readonly disconnect: (socketId: string) => Effect.Effect<void>
  /** Simulates a client event, which Channels reports with a `client_event` webhook. */
  readonly injectClientEvent: (event: SimulatedClientEvent) => Effect.Effect<void, ValidationError>

  /** Every event recorded since the last `reset`, in order. */
  readonly events: Effect.Effect<ReadonlyArray<RecordedEvent>>
  /** The oldest recorded event that no `takeEvent` has returned yet (and that matches), waiting for one. */
  readonly takeEvent: (filter?: EventFilter) => Effect.Effect<RecordedEvent>
  /** Replays the events recorded since the last `reset`, then follows new ones (it never ends). */
  readonly eventStream: Stream.Stream<RecordedEvent>
  /** Every `terminate_connections` call since the last `reset`. */
  readonly terminations: Effect.Effect<ReadonlyArray<Termination>>

  /** Every webhook request sent since the last `reset`. */
  readonly webhooks: Effect.Effect<ReadonlyArray<SentWebhook>>
  /** The oldest webhook request that no `takeWebhook` has returned yet, waiting for one. */
  readonly takeWebhook: Effect.Effect<SentWebhook>
  /** Replays the webhook requests sent since the last `reset`, then follows new ones (it never ends). */
  readonly webhookStream: Stream.Stream<SentWebhook>
  /**
   * Hands every webhook request sent from now on to `handler`, one at a time, in a fiber of the current
   * scope. Like Channels, a failed delivery is retried (with `retry`, by default exponential backoff from
   * one second for up to five minutes of `Clock` time).
   */
  readonly deliverWebhooks: <E, R>(
    handler: (request: SentWebhook) => Effect.Effect<unknown, E, R>,
    options?: { readonly retry?: Schedule.Schedule<unknown, E> | undefined }
  ) => Effect.Effect<void, never, Scope.Scope | R>

  /** Makes the next `times` (default 1) requests fail with `fault`; faults queue up in order. */
  readonly failNext: (fault: Fault, times?: number) => Effect.Effect<void, ValidationError>
  /** Every request received since the last `reset`, with the status it got. */
  readonly requests: Effect.Effect<ReadonlyArray<LoggedRequest>>
  /** Forgets connections, subscriptions, recordings, webhooks, pending faults and the request log. */
  readonly reset: Effect.Effect<void>
}

/**
 * The service giving tests the in-memory emulator, provided by `layer`.
 *
 * @since 0.1.0
 * @category tags
 */
export class PusherTest extends Context.Tag("@effect-pusher/core/PusherTest")<PusherTest, Service>() {}

// ---------------------------------------------------------------------------------------------------------
// Constructors
// ---------------------------------------------------------------------------------------------------------

/**
 * The test app, unless options say otherwise.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultApp = { appId: "123456", key: "test-key", secret: "test-secret" } as const

/**
 * The app to emulate (any `PusherConfig` option; the id, key and secret default to {@link defaultApp}) and
 * emulator settings.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends Partial<PusherConfig.Options> {
  /** Also send `subscription_count` webhooks when a channel's count changes (an app setting). Default false. */
  readonly subscriptionCountWebhooks?: boolean | undefined
  /** How long a cache channel keeps its last event, default 1800 seconds. */
  readonly cacheTtlSeconds?: number | undefined
  /** Real sockets: the activity timeout announced in `pusher:connection_established`, default 120 seconds. */
  readonly activityTimeoutSeconds?: number | undefined
  /** Real sockets: how long the server waits for `pusher:pong` before closing with 4201, default 30 seconds. */
  readonly pongTimeoutSeconds?: number | undefined
  /**
   * How many entries each recording keeps (events, webhooks, terminations, requests), the oldest leaving as
   * new ones come; by default every one until `reset`, as a test wants. A long-running server sets one
   * (`effect-pusher-emulator` keeps 10,000), so its memory does not grow with its traffic.
   */
  readonly maxRecorded?: number | undefined
}

// The app's config keys and the emulator's own settings, read once together.
const optionKeys: Json.KeyTable<
  | ConfigRules.Key
  | "subscriptionCountWebhooks"
  | "cacheTtlSeconds"
  | "activityTimeoutSeconds"
  | "pongTimeoutSeconds"
  | "maxRecorded"
> = {
  accepted: [
    ...ConfigRules.optionKeys.accepted,
    "subscriptionCountWebhooks",
    "cacheTtlSeconds",
    "activityTimeoutSeconds",
    "pongTimeoutSeconds",
    "maxRecorded"
  ],
  replacements: ConfigRules.optionKeys.replacements
}

const settings = (
  read: {
    readonly subscriptionCountWebhooks?: unknown
    readonly cacheTtlSeconds?: unknown
    readonly activityTimeoutSeconds?: unknown
    readonly pongTimeoutSeconds?: unknown
    readonly maxRecorded?: unknown
  }
): Either.Either<Parameters<typeof EmulatorService.make>[2], ConfigError.ConfigError> => {
  const subscriptionCountWebhooks = read.subscriptionCountWebhooks ?? false
  if (typeof subscriptionCountWebhooks !== "boolean") {
    return Either.left(ConfigValidate.invalid("subscriptionCountWebhooks", "must be a boolean"))
  }
  const seconds = (name: string, value: unknown) => ConfigValidate.named(name, ConfigRules.positiveInteger(value))
  return Either.all({
    subscriptionCountWebhooks: Either.right(subscriptionCountWebhooks),
    cacheTtlSeconds: seconds("cacheTtlSeconds", read.cacheTtlSeconds ?? 1800),
    activityTimeoutSeconds: seconds(
      "activityTimeoutSeconds",
      read.activityTimeoutSeconds ?? EmulatorSocket.activityTimeoutSeconds
    ),
    pongTimeoutSeconds: seconds("pongTimeoutSeconds", read.pongTimeoutSeconds ?? EmulatorSocket.pongTimeoutSeconds),
    maxRecorded: read.maxRecorded === undefined
      ? Either.right(undefined)
      : ConfigValidate.named("maxRecorded", ConfigRules.positiveInteger(read.maxRecorded))
  })
}

/**
 * Builds an emulator for an app. Its time is the `Clock` of whoever calls it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: Options): Effect.Effect<Service, ConfigError.ConfigError> =>
  Effect.suspend(() =>
    Either.flatMap(ConfigValidate.readBag("", options, optionKeys), (read) => {
      const {
        activityTimeoutSeconds,
        cacheTtlSeconds,
        maxRecorded,
        pongTimeoutSeconds,
        subscriptionCountWebhooks,
        ...app
      } = read
      return Either.flatMap(
        settings({
          activityTimeoutSeconds,
          cacheTtlSeconds,
          maxRecorded,
          pongTimeoutSeconds,
          subscriptionCountWebhooks
        }),
        (emulator) => Either.map(ConfigValidate.validate({ ...defaultApp, ...app }), (config) => ({ config, emulator }))
      )
    })
  ).pipe(
    Effect.flatMap(({ config, emulator }) =>
      Effect.flatMap(PusherCrypto.current, (crypto) => EmulatorService.make(config, crypto, emulator))
    )
  )

/**
 * Provides the emulator, its app as `PusherConfig` and its in-memory `HttpClient`: swap it in for the live
 * layers and `Pusher` operations talk to the emulator.
 *
 * @example
 * ```ts
 * import { Pusher, PusherTest } from "@effect-pusher/core"
 * import { Effect } from "effect"
 *
 * // The code under test: it needs `PusherConfig` and an `HttpClient`, as in production.
 * const placeOrder = (id: number) => Pusher.trigger(`private-user-${id}`, "order-placed", { id })
 *
 * const test = Effect.gen(function*() {
 *   const emulator = yield* PusherTest.PusherTest
 *   yield* placeOrder(7)
 *   // What Channels received, decoded: channel, name and data.
 *   const event = yield* emulator.takeEvent({ name: "order-placed" })
 *   console.log(event.channel, event.data) // "private-user-7" { id: 7 }
 *   // Faults: the next request fails as if the server answered 500.
 *   yield* emulator.failNext(PusherTest.Fault.Status({ status: 500 }))
 *   const error = yield* Effect.flip(placeOrder(8))
 *   console.log(error._tag) // "HttpError"
 * })
 *
 * // With `@effect/vitest`: `it.effect("places an order", () => Effect.provide(test, PusherTest.layer()))`.
 * Effect.runPromise(Effect.provide(test, PusherTest.layer()))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options?: Options
): Layer.Layer<PusherTest | PusherConfig.PusherConfig | HttpClient.HttpClient, ConfigError.ConfigError> =>
  Layer.effectContext(
    Effect.map(make(options), (service) =>
      Context.make(PusherTest, service).pipe(
        Context.add(PusherConfig.PusherConfig, service.config),
        Context.add(HttpClientTag.HttpClient, service.client)
      ))
  )

/**
 * The emulator as an HTTP app, with a custom answer to `Transport` faults (a server that can drop the
 * connection should), and WebSockets on `/app/{key}` served by `acceptSocket` (by default the service's).
 *
 * @since 0.1.0
 * @category constructors
 */
export const toHttpApp = (
  service: Service,
  onTransportFault: (
    request: HttpServerRequest.HttpServerRequest
  ) => Effect.Effect<HttpServerResponse.HttpServerResponse>,
  acceptSocket: Service["acceptSocket"] = service.acceptSocket
): HttpApp.Default => EmulatorTransport.toHttpApp(service.handle, onTransportFault, acceptSocket)
