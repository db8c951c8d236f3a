/**
 * pusher-js 8 (its Node build: WebSocket transport and nacl decryption included) as the suite's client, the
 * Effect-free part shared by both lines' harnesses: how a client is configured against the server under test
 * and the auth endpoints, and what it observed. Each line's clients.ts adds its bounded waits and scopes.
 */
import { createRequire } from "node:module"
import type * as PusherJsModule from "pusher-js"
import type { Channel, Options, PresenceChannel } from "pusher-js"

// pusher-js is CommonJS whose `module.exports` is the class, while its types declare a default export.
const PusherJs: typeof PusherJsModule.default = createRequire(import.meta.url)("pusher-js")
export type PusherJs = PusherJsModule.default
export type { Channel }

export type AuthMode = "allow" | "deny" | "wrong-secret"

/** Headers the pusher-js clients send to the auth endpoints. */
export const userHeader = "x-e2e-user"
export const modeHeader = "x-e2e-mode"
/** The signed-in user's watchlist, comma-separated user ids. */
export const watchlistHeader = "x-e2e-watchlist"

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

export interface SubscriptionFailure {
  readonly type?: string
  readonly error?: string
  readonly status?: number
}

export type SubscriptionOutcome =
  | { readonly ok: true; readonly channel: Channel }
  | { readonly ok: false; readonly failure: SubscriptionFailure }

/** A new client (it starts connecting at once): WebSocket only, authorizing through the suite's endpoints. */
export const create = (settings: ClientSettings, options: ClientOptions = {}): PusherJs => {
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
  return new PusherJs(settings.key, config)
}

/** Subscribes; the returned check gives the outcome once pusher-js reported it, either way. */
export const subscribe = (pusher: PusherJs, name: string): () => SubscriptionOutcome | undefined => {
  let outcome: SubscriptionOutcome | undefined
  const channel = pusher.subscribe(name)
  channel.bind("pusher:subscription_succeeded", () => {
    outcome = { ok: true, channel }
  })
  channel.bind("pusher:subscription_error", (failure: SubscriptionFailure) => {
    outcome = { ok: false, failure }
  })
  return () => outcome
}

/**
 * pusher-js sets `signin_success` and subscribes to #server-to-user-{id} on its own: the returned check says
 * whether both happened.
 */
export const watchSignin = (pusher: PusherJs): () => boolean => {
  let signedIn = false
  let userChannelReady = false
  pusher.connection.bind("message", (message: { event?: string; channel?: string }) => {
    if (message.event === "pusher:signin_success") signedIn = true
    if (
      message.event === "pusher_internal:subscription_succeeded" &&
      message.channel?.startsWith("#server-to-user-")
    ) userChannelReady = true
  })
  return () => signedIn && userChannelReady
}

/** The ids of a presence channel's members, sorted. */
export const members = (channel: Channel): ReadonlyArray<string> => {
  const ids: Array<string> = []
  ;(channel as PresenceChannel).members.each((member: { id: string }) => ids.push(member.id))
  return ids.sort()
}

/** Collects every value `bind` delivers, in order. */
export const collect = (bind: (callback: (data: unknown) => void) => void): ReadonlyArray<unknown> => {
  const events: Array<unknown> = []
  bind((data) => {
    events.push(data)
  })
  return events
}

/** Binds to the channel events of one name. */
export const onChannel = (channel: Channel, event: string) => (callback: (data: unknown) => void): void => {
  channel.bind(event, callback)
}

/** Binds to the user events (server-to-user) of one name. */
export const onUser = (pusher: PusherJs, event: string) => (callback: (data: unknown) => void): void => {
  pusher.user.bind(event, callback)
}

/** Binds to the watchlist events (`online` / `offline`) of pusher-js's `user.watchlist`. */
export const onWatchlist = (pusher: PusherJs) => (callback: (data: unknown) => void): void => {
  pusher.user.watchlist.bind("online", callback)
  pusher.user.watchlist.bind("offline", callback)
}
