/**
 * pusher-js 8 (its Node build: WebSocket transport and nacl decryption included) as the client, wrapped so
 * that every wait is bounded and every client is disconnected when its scope closes.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { createRequire } from "node:module"
import type * as PusherJsModule from "pusher-js"
import type { Channel, Options, PresenceChannel } from "pusher-js"
import { type AuthMode, modeHeader, userHeader, watchlistHeader } from "./authEndpoints.js"
import { defaultTimeoutMs, WaitTimeout, waitUntil } from "./wait.js"

// pusher-js is CommonJS whose `module.exports` is the class, while its types declare a default export.
const PusherJs: typeof PusherJsModule.default = createRequire(import.meta.url)("pusher-js")
type PusherJs = PusherJsModule.default

/** Where pusher-js connects and authorizes. */
export interface ClientSettings {
  readonly key: string
  readonly host: string
  readonly port: number
  readonly endpointsFor: (mode: AuthMode) => { readonly channel: string; readonly user: string }
}

export interface ClientOptions {
  /** Who the auth endpoints take the user to be (presence member and signed-in user). */
  readonly userId?: string
  /** How the test's authorizer answers; `wrong-secret` uses the endpoints that sign with a wrong secret. */
  readonly authMode?: AuthMode
  /** The user ids the signed-in user watches (the user-auth endpoint signs them as `watchlist`). */
  readonly watchlist?: ReadonlyArray<string>
}

/** Everything one event name delivered on one channel (or to the signed-in user), in order. */
export interface Recorder {
  readonly events: ReadonlyArray<unknown>
  /** Waits until at least `count` events arrived and returns them all. */
  readonly atLeast: (count: number, ms?: number) => Effect.Effect<ReadonlyArray<unknown>, WaitTimeout>
}

export interface SubscriptionFailure {
  readonly type?: string
  readonly error?: string
  readonly status?: number
}

export interface Client {
  readonly pusher: PusherJs
  readonly socketId: string
  /** Subscribes and waits for success; fails with what the subscription error said. */
  readonly subscribe: (channel: string) => Effect.Effect<Channel, SubscriptionFailure | WaitTimeout>
  /** Subscribes and waits for the outcome, either way. */
  readonly trySubscribe: (channel: string) => Effect.Effect<
    { readonly ok: true; readonly channel: Channel } | { readonly ok: false; readonly failure: SubscriptionFailure },
    WaitTimeout
  >
  readonly members: (channel: Channel) => ReadonlyArray<string>
  readonly record: (channel: Channel, event: string) => Recorder
  /** Signs in through the user-auth endpoint; waits for success and for the server-to-user channel. */
  readonly signin: Effect.Effect<void, WaitTimeout>
  readonly recordUser: (event: string) => Recorder
  /** The watchlist events (`online` / `offline`) pusher-js's `user.watchlist` emitted, in order. */
  readonly recordWatchlist: Recorder
  readonly state: () => string
  readonly waitForState: (predicate: (state: string) => boolean, what: string) => Effect.Effect<string, WaitTimeout>
}

const recorder = (bind: (callback: (data: unknown) => void) => void, what: string): Recorder => {
  const events: Array<unknown> = []
  bind((data) => {
    events.push(data)
  })
  return {
    events,
    atLeast: (count, ms = defaultTimeoutMs) =>
      waitUntil(`${count} × ${what}`, () => (events.length >= count ? events.slice() : undefined), ms)
  }
}

/** Connects a pusher-js client and waits for `connected`; the scope disconnects it. */
export const connect = (
  settings: ClientSettings,
  options: ClientOptions = {}
): Effect.Effect<Client, WaitTimeout, Scope.Scope> =>
  Effect.gen(function*() {
    const mode = options.authMode ?? "allow"
    const headers = {
      ...(options.userId !== undefined ? { [userHeader]: options.userId } : {}),
      ...(options.watchlist !== undefined ? { [watchlistHeader]: options.watchlist.join(",") } : {}),
      [modeHeader]: mode
    }
    const endpoints = settings.endpointsFor(mode)
    const config: Options = {
      cluster: "mt1",
      wsHost: settings.host,
      wsPort: settings.port,
      forceTLS: false,
      enabledTransports: ["ws"],
      channelAuthorization: { endpoint: endpoints.channel, transport: "ajax", headers },
      userAuthentication: { endpoint: endpoints.user, transport: "ajax", headers }
    }
    const pusher = yield* Effect.acquireRelease(
      Effect.sync(() => new PusherJs(settings.key, config)),
      (pusher) => Effect.sync(() => pusher.disconnect())
    )
    const connection = pusher.connection
    const socketId = yield* waitUntil(
      "the client to connect",
      () => (connection.state === "connected" ? connection.socket_id : undefined)
    )

    const trySubscribe = (name: string) =>
      Effect.suspend(() => {
        let outcome:
          | { readonly ok: true; readonly channel: Channel }
          | { readonly ok: false; readonly failure: SubscriptionFailure }
          | undefined
        const channel = pusher.subscribe(name)
        channel.bind("pusher:subscription_succeeded", () => {
          outcome = { ok: true, channel }
        })
        channel.bind("pusher:subscription_error", (failure: SubscriptionFailure) => {
          outcome = { ok: false, failure }
        })
        return waitUntil(`the subscription to ${name}`, () => outcome)
      })

    // pusher-js sets `signin_success` and subscribes to #server-to-user-{id} on its own; wait for both.
    let signedIn = false
    let userChannelReady = false
    connection.bind("message", (message: { event?: string; channel?: string }) => {
      if (message.event === "pusher:signin_success") signedIn = true
      if (
        message.event === "pusher_internal:subscription_succeeded" &&
        message.channel?.startsWith("#server-to-user-")
      ) userChannelReady = true
    })

    const client: Client = {
      pusher,
      socketId,
      trySubscribe,
      subscribe: (name) =>
        Effect.flatMap(trySubscribe(name), (result) =>
          result.ok ? Effect.succeed(result.channel) : Effect.fail(result.failure)),
      members: (channel) => {
        const ids: Array<string> = []
        ;(channel as PresenceChannel).members.each((member: { id: string }) =>
          ids.push(member.id)
        )
        return ids.sort()
      },
      record: (channel, event) =>
        recorder((callback) => channel.bind(event, callback), `${event} on ${channel.name} for ${socketId}`),
      signin: Effect.suspend(() => {
        pusher.signin()
        return waitUntil("signin and the server-to-user subscription", () =>
          signedIn && userChannelReady ? true : undefined).pipe(Effect.asVoid)
      }),
      recordUser: (event) =>
        recorder((callback) =>
          pusher.user.bind(event, callback), `user event ${event} for ${socketId}`),
      recordWatchlist: recorder((callback) => {
        pusher.user.watchlist.bind("online", callback)
        pusher.user.watchlist.bind("offline", callback)
      }, `watchlist events for ${socketId}`),
      state: () => connection.state,
      waitForState: (predicate, what) =>
        waitUntil(what, () => (predicate(connection.state) ? connection.state : undefined))
    }
    return client
  })

export { WaitTimeout }
