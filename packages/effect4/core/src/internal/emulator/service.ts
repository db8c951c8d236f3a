import * as EmulatorEvents from "@effect-pusher/protocol/EmulatorEvents"
import * as EmulatorState from "@effect-pusher/protocol/EmulatorState"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as PusherConfig from "../../PusherConfig.js"
import type * as PusherCrypto from "../../PusherCrypto.js"
import type * as PusherTest from "../../PusherTest.js"
import { operation, unreadableInput } from "../operation.js"
import { failNext, handle } from "./api.js"
import * as Console from "./console.js"
import * as Emulator from "./emulator.js"
import * as Socket from "./socket.js"
import { makeClient, toHttpApp } from "./transport.js"

const matcher = (filter: PusherTest.EventFilter | undefined): (event: PusherTest.RecordedEvent) => boolean => {
  if (filter === undefined) return () => true
  if (typeof filter === "function") return filter
  return (event) =>
    (filter.channel === undefined || event.channel === filter.channel) &&
    (filter.name === undefined || event.name === filter.name)
}

// Snapshots of the simulated clients' inputs: each getter is read once, and the rules check what is stored.
const readConnect = (options: PusherTest.ConnectOptions | undefined) => () => ({
  socketId: options?.socketId,
  userId: options?.userId
})

const readSubscribe = (channel: string, options: PusherTest.SubscribeOptions | undefined) => () => {
  const user = options?.user
  return {
    channel,
    socketId: options?.socketId,
    user: user === undefined ? undefined : { id: user.id, info: user.info }
  }
}

const readClientEvent = (event: PusherTest.SimulatedClientEvent) => (): EmulatorEvents.ClientEventInput => ({
  channel: event.channel,
  event: event.event,
  data: event.data,
  socketId: event.socketId
})

const deliverWebhooks = <E, R>(
  emulator: Emulator.Emulator,
  handler: (request: PusherTest.SentWebhook) => Effect.Effect<unknown, E, R>,
  retry: Schedule.Schedule<unknown, E> | undefined
): Effect.Effect<void, never, Scope.Scope | R> => {
  const schedule: Schedule.Schedule<unknown, E> = retry ??
    Schedule.exponential(Duration.seconds(1)).pipe(Schedule.upTo({ duration: Duration.minutes(5) }))
  // The starting point is taken now, not when the fiber starts, so nothing sent after this call is missed.
  return Effect.suspend(() =>
    emulator.webhooks.from(emulator.webhooks.end).pipe(
      Stream.runForEach((request) => Effect.ignore(Effect.retry(handler(request), schedule))),
      Effect.forkScoped,
      Effect.asVoid
    )
  )
}

/**
 * The `PusherTest` service of a new emulator.
 *
 * @internal
 */
export const make = (
  config: PusherConfig.Service,
  crypto: PusherCrypto.Service,
  settings: Emulator.Settings
): Effect.Effect<PusherTest.Service> =>
  Effect.map(Emulator.make(config, crypto, settings), (emulator): PusherTest.Service => {
    const answer = handle(emulator)
    const { cacheTtlSeconds } = settings
    const acceptSocket: PusherTest.Service["acceptSocket"] = (socket, url) =>
      Socket.serve(emulator, socket, url, settings)
    return {
      config,
      client: makeClient(answer),
      httpApp: toHttpApp(answer, () => Effect.succeed(HttpServerResponse.empty({ status: 502 })), acceptSocket),
      acceptSocket,
      withConsole: (app) => Console.withConsole(emulator, app),
      handle: answer,
      connect: (options) =>
        operation(
          "PusherTest.connect",
          readConnect(options),
          unreadableInput,
          ({ socketId, userId }) =>
            Emulator.attempt(emulator, (state) => EmulatorState.connect(state, socketId, userId))
        ),
      subscribe: (channel, options) =>
        operation("PusherTest.subscribe", readSubscribe(channel, options), unreadableInput, (input) =>
          Emulator.attempt(
            emulator,
            (state, now) => EmulatorState.subscribe(state, input.channel, input, now, cacheTtlSeconds)
          )),
      unsubscribe: (channel, socketId) =>
        Emulator.update(emulator, (state) => EmulatorState.unsubscribe(state, channel, socketId)),
      disconnect: (socketId) => Emulator.update(emulator, (state) => EmulatorState.disconnect(state, socketId)),
      injectClientEvent: (event) =>
        operation(
          "PusherTest.injectClientEvent",
          readClientEvent(event),
          unreadableInput,
          (input) => Emulator.attempt(emulator, (state) => EmulatorEvents.clientEvent(state, input))
        ),
      events: Effect.sync(() => emulator.events.all),
      takeEvent: (filter) => emulator.events.take(matcher(filter)),
      eventStream: emulator.events.stream,
      terminations: Effect.sync(() => emulator.terminations.all),
      webhooks: Effect.sync(() => emulator.webhooks.all),
      takeWebhook: emulator.webhooks.take(() => true),
      webhookStream: emulator.webhooks.stream,
      deliverWebhooks: (handler, options) => deliverWebhooks(emulator, handler, options?.retry),
      failNext: (fault, times) => failNext(emulator, fault, times ?? 1),
      requests: Effect.sync(() => emulator.requests.all),
      reset: Emulator.reset(emulator)
    }
  })
