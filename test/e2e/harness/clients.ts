/**
 * pusher-js 8 as the client (configured in pusherJs.ts, shared with the Effect 4 line's harness), wrapped so
 * that every wait is bounded and every client is disconnected when its scope closes.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as PusherJs from "./pusherJs.js"
import { defaultTimeoutMs, WaitTimeout, waitUntil } from "./wait.js"

export type { ClientOptions, ClientSettings, SubscriptionFailure } from "./pusherJs.js"

/** Everything one event name delivered on one channel (or to the signed-in user), in order. */
export interface Recorder {
  readonly events: ReadonlyArray<unknown>
  /** Waits until at least `count` events arrived and returns them all. */
  readonly atLeast: (count: number, ms?: number) => Effect.Effect<ReadonlyArray<unknown>, WaitTimeout>
}

export interface Client {
  readonly pusher: PusherJs.PusherJs
  readonly socketId: string
  /** Subscribes and waits for success; fails with what the subscription error said. */
  readonly subscribe: (
    channel: string
  ) => Effect.Effect<PusherJs.Channel, PusherJs.SubscriptionFailure | WaitTimeout>
  /** Subscribes and waits for the outcome, either way. */
  readonly trySubscribe: (channel: string) => Effect.Effect<PusherJs.SubscriptionOutcome, WaitTimeout>
  readonly members: (channel: PusherJs.Channel) => ReadonlyArray<string>
  readonly record: (channel: PusherJs.Channel, event: string) => Recorder
  /** Signs in through the user-auth endpoint; waits for success and for the server-to-user channel. */
  readonly signin: Effect.Effect<void, WaitTimeout>
  readonly recordUser: (event: string) => Recorder
  /** The watchlist events (`online` / `offline`) pusher-js's `user.watchlist` emitted, in order. */
  readonly recordWatchlist: Recorder
  readonly state: () => string
  readonly waitForState: (predicate: (state: string) => boolean, what: string) => Effect.Effect<string, WaitTimeout>
}

const recorder = (bind: (callback: (data: unknown) => void) => void, what: string): Recorder => {
  const events = PusherJs.collect(bind)
  return {
    events,
    atLeast: (count, ms = defaultTimeoutMs) =>
      waitUntil(`${count} × ${what}`, () => (events.length >= count ? events.slice() : undefined), ms)
  }
}

/** Connects a pusher-js client and waits for `connected`; the scope disconnects it. */
export const connect = (
  settings: PusherJs.ClientSettings,
  options: PusherJs.ClientOptions = {}
): Effect.Effect<Client, WaitTimeout, Scope.Scope> =>
  Effect.gen(function*() {
    const pusher = yield* Effect.acquireRelease(
      Effect.sync(() => PusherJs.create(settings, options)),
      (pusher) => Effect.sync(() => pusher.disconnect())
    )
    const connection = pusher.connection
    const socketId = yield* waitUntil(
      "the client to connect",
      () => (connection.state === "connected" ? connection.socket_id : undefined)
    )
    const trySubscribe = (name: string) =>
      Effect.suspend(() => waitUntil(`the subscription to ${name}`, PusherJs.subscribe(pusher, name)))
    const signedIn = PusherJs.watchSignin(pusher)

    const client: Client = {
      pusher,
      socketId,
      trySubscribe,
      subscribe: (name) =>
        Effect.flatMap(trySubscribe(name), (result) =>
          result.ok ? Effect.succeed(result.channel) : Effect.fail(result.failure)),
      members: PusherJs.members,
      record: (channel, event) =>
        recorder(PusherJs.onChannel(channel, event), `${event} on ${channel.name} for ${socketId}`),
      signin: Effect.suspend(() => {
        pusher.signin()
        return waitUntil("signin and the server-to-user subscription", () =>
          signedIn() ? true : undefined).pipe(
            Effect.asVoid
          )
      }),
      recordUser: (event) => recorder(PusherJs.onUser(pusher, event), `user event ${event} for ${socketId}`),
      recordWatchlist: recorder(PusherJs.onWatchlist(pusher), `watchlist events for ${socketId}`),
      state: () => connection.state,
      waitForState: (predicate, what) =>
        waitUntil(what, () => (predicate(connection.state) ? connection.state : undefined))
    }
    return client
  })

export { WaitTimeout }
