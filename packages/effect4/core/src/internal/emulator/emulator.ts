import type * as EmulatorApi from "@effect-pusher/protocol/EmulatorApi"
import type * as EmulatorEvents from "@effect-pusher/protocol/EmulatorEvents"
import * as EmulatorRecords from "@effect-pusher/protocol/EmulatorRecords"
import * as EmulatorRest from "@effect-pusher/protocol/EmulatorRest"
import * as EmulatorSocket from "@effect-pusher/protocol/EmulatorSocket"
import * as EmulatorState from "@effect-pusher/protocol/EmulatorState"
import type * as Failure from "@effect-pusher/protocol/Failure"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import * as SynchronizedRef from "effect/SynchronizedRef"
import type * as PusherConfig from "../../PusherConfig.js"
import type * as PusherCrypto from "../../PusherCrypto.js"
import type { ValidationError } from "../../PusherError.js"
import type * as PusherTest from "../../PusherTest.js"
import * as Signing from "../signing.js"
import { toError } from "../validation.js"
import { Log } from "./log.js"
import { Signal } from "./signal.js"

/** @internal */
export interface Settings extends EmulatorEvents.Settings {
  readonly cacheTtlSeconds: number
  /** Real sockets: the activity timeout announced and the wait for `pusher:pong` (seconds). */
  readonly activityTimeoutSeconds: number
  readonly pongTimeoutSeconds: number
  /** How many entries each recording keeps (the newest), or every one until `reset`. */
  readonly maxRecorded: number | undefined
}

/**
 * A real socket's side of the emulator: frames are queued for it (never waiting), or it is closed.
 *
 * @internal
 */
export interface Outlet {
  readonly send: (frame: string) => void
  readonly close: (error: EmulatorSocket.SocketError) => void
}

/**
 * One emulated app: its state (changed only through the protocol's transitions, one at a time), the
 * faults waiting for the next requests, and the recordings tests read.
 *
 * @internal
 */
export interface Emulator {
  readonly config: PusherConfig.Service
  readonly app: EmulatorRest.App & EmulatorSocket.App
  readonly settings: Settings
  readonly sign: (message: string) => string
  readonly state: SynchronizedRef.SynchronizedRef<EmulatorState.State>
  readonly faults: Ref.Ref<ReadonlyArray<PusherTest.Fault>>
  readonly events: Log<PusherTest.RecordedEvent>
  readonly webhooks: Log<PusherTest.SentWebhook>
  readonly terminations: Log<PusherTest.Termination>
  readonly requests: Log<PusherTest.LoggedRequest>
  /** The real sockets connected, by socket id (only the socket's own fiber adds and removes its entry). */
  readonly outlets: Map<string, Outlet>
  /** Moves forward once the state has changed (after it is set), for the debug console to follow it. */
  readonly changed: Signal
}

/** @internal */
export const make = (
  config: PusherConfig.Service,
  crypto: PusherCrypto.Service,
  settings: Settings
): Effect.Effect<Emulator> =>
  Effect.zipWith(
    SynchronizedRef.make(EmulatorState.empty),
    Ref.make<ReadonlyArray<PusherTest.Fault>>([]),
    (state, faults) => {
      const signer = Signing.requestSigner(config, crypto)
      return {
        config,
        app: {
          ...signer,
          timingSafeEqual: crypto.timingSafeEqual,
          appId: config.appId,
          maxPayloadBytes: config.maxPayloadBytes,
          maxEventsPerBatch: config.maxEventsPerBatch,
          cacheTtlSeconds: settings.cacheTtlSeconds,
          maxWatchlistSize: config.maxWatchlistSize
        },
        settings,
        sign: signer.sign,
        state,
        faults,
        events: new Log(settings.maxRecorded),
        webhooks: new Log(settings.maxRecorded),
        terminations: new Log(settings.maxRecorded),
        requests: new Log(settings.maxRecorded),
        outlets: new Map(),
        changed: new Signal()
      }
    }
  )

/** What a transition or a request changed, to record. */
interface Effects {
  /** The state after the transition. */
  readonly state: EmulatorState.State
  readonly changes: ReadonlyArray<EmulatorState.Change>
  readonly published?: ReadonlyArray<EmulatorRest.Published> | undefined
  readonly terminated?: EmulatorRest.Outcome["terminated"]
}

/** Queues what other real sockets receive, and closes the sockets a termination closed. */
const deliver = (emulator: Emulator, effects: Effects): void => {
  for (const delivery of EmulatorSocket.deliveries(effects.state, effects.published ?? [], effects.changes)) {
    for (const socketId of delivery.recipients) emulator.outlets.get(socketId)?.send(delivery.frame)
  }
  for (const socketId of effects.terminated?.socketIds ?? []) {
    emulator.outlets.get(socketId)?.close({
      code: EmulatorSocket.ErrorCode.Unauthorized,
      message: "Connection terminated by the server (terminate_connections)"
    })
  }
}

/** Records published events, a termination and the webhook the changes send (one request for them all). */
const record = (emulator: Emulator, effects: Effects, nowMillis: number): void => {
  if (emulator.outlets.size > 0) deliver(emulator, effects)
  for (const event of effects.published ?? []) emulator.events.append(EmulatorRecords.event(event, nowMillis))
  if (effects.terminated !== undefined) {
    emulator.terminations.append(EmulatorRecords.termination(effects.terminated, nowMillis))
  }
  const webhook = EmulatorRecords.webhook(
    effects.changes,
    emulator.settings,
    emulator.config.key,
    emulator.sign,
    nowMillis
  )
  if (webhook !== undefined) emulator.webhooks.append(webhook)
}

// After the new state is set, so a console woken by the signal reads it, not the one before.
const notifying = <A, E>(emulator: Emulator, effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
  Effect.tap(effect, () =>
    Effect.sync(() => {
      emulator.changed.notify()
    }))

const commit = <A>(
  emulator: Emulator,
  transition: EmulatorState.Transition<A>,
  nowMillis: number
): Effect.Effect<readonly [A, EmulatorState.State]> =>
  Effect.sync(() => {
    record(emulator, transition, nowMillis)
    return [transition.value, transition.state] as const
  })

/**
 * Runs a transition on the state at the `Clock`'s time and records what it changed, under the state's
 * lock: recordings come out in the order of the transitions.
 *
 * @internal
 */
export const update = <A>(
  emulator: Emulator,
  f: (state: EmulatorState.State, nowMillis: number) => EmulatorState.Transition<A>
): Effect.Effect<A> =>
  notifying(
    emulator,
    SynchronizedRef.modifyEffect(emulator.state, (state) =>
      Effect.clockWith((clock) => {
        const now = clock.currentTimeMillisUnsafe()
        return commit(emulator, f(state, now), now)
      }))
  )

/**
 * {@link update} with a transition that can refuse its input: the state stays as it was.
 *
 * @internal
 */
export const attempt = <A>(
  emulator: Emulator,
  f: (state: EmulatorState.State, nowMillis: number) => Failure.Result<EmulatorState.Transition<A>>
): Effect.Effect<A, ValidationError> =>
  notifying(
    emulator,
    SynchronizedRef.modifyEffect(emulator.state, (state) =>
      Effect.clockWith((clock) => {
        const now = clock.currentTimeMillisUnsafe()
        const result = f(state, now)
        return result.ok ? commit(emulator, result.value, now) : Effect.fail(toError(result.error))
      }))
  )

/**
 * Adds a request to the request log, with the status it got (none after a transport fault).
 *
 * @internal
 */
export const logRequest = (
  emulator: Emulator,
  request: PusherTest.EmulatorRequest,
  status: number | undefined,
  nowMillis: number
): void => {
  emulator.requests.append(EmulatorRecords.request(request, status, nowMillis))
}

/**
 * Answers one request from the state at the `Clock`'s time, records what it changed and logs it, under
 * the state's lock.
 *
 * @internal
 */
export const respond = (
  emulator: Emulator,
  request: PusherTest.EmulatorRequest,
  nowMillis: number
): Effect.Effect<EmulatorApi.Reply> =>
  notifying(
    emulator,
    SynchronizedRef.modifyEffect(emulator.state, (state) =>
      Effect.sync(() => {
        const outcome = EmulatorRest.respond(state, emulator.app, request, nowMillis)
        record(emulator, outcome, nowMillis)
        logRequest(emulator, request, outcome.reply.status, nowMillis)
        return [outcome.reply, outcome.state] as const
      }))
  )

/**
 * Forgets the state (keeping its counters), pending faults and every recording.
 *
 * @internal
 */
export const reset = (emulator: Emulator): Effect.Effect<void> =>
  notifying(
    emulator,
    SynchronizedRef.updateEffect(emulator.state, (state) =>
      Effect.andThen(
        Ref.set(emulator.faults, []),
        Effect.sync(() => {
          emulator.events.clear()
          emulator.webhooks.clear()
          emulator.terminations.clear()
          emulator.requests.clear()
          // Real sockets are forgotten too: they are told to reconnect, and come back as new connections.
          for (const outlet of emulator.outlets.values()) {
            outlet.close({ code: EmulatorSocket.ErrorCode.Reconnect, message: "The emulator was reset" })
          }
          return EmulatorState.reset(state)
        })
      ))
  )
