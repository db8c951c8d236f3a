/**
 * What an emulated app records for the tests that drive it and for its debug console: each published event
 * (its data decoded when it is JSON), each `terminate_connections` call, the one webhook request a set of
 * state changes sends (signed, as Channels sends it), and each request with the status it got. Plain
 * values built from what a transition or a request produced; where they are kept is the caller's business.
 *
 * @since 0.1.0
 */
import * as EmulatorApi from "./EmulatorApi.js"
import * as EmulatorEvents from "./EmulatorEvents.js"
import type * as EmulatorRest from "./EmulatorRest.js"
import type * as EmulatorState from "./EmulatorState.js"
import * as Json from "./Json.js"

/**
 * One event as published on one channel. A trigger to three channels records three events.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedEvent {
  /** Position in the order of publication, from 0, never reused (not even after `reset`). */
  readonly sequence: number
  readonly channel: string
  readonly name: string
  /**
   * The data parsed as JSON when it is JSON, else the string as sent. On `private-encrypted-` channels
   * this is the sealed `{ nonce, ciphertext }`: the emulator, like Channels, cannot read it.
   */
  readonly data: unknown
  /** The data exactly as sent. */
  readonly rawData: string
  /** The `socket_id` the trigger excluded, if any. */
  readonly excludedSocketId?: string
  /** The simulated sockets that received the event (subscribers, or the user's connections). */
  readonly recipients: ReadonlyArray<string>
  /** For an event sent with `sendToUser` (the `#server-to-user-{id}` channel): the user. */
  readonly userId?: string
  /** `/events` or `/batch_events`. */
  readonly endpoint: "events" | "batch_events"
  readonly timeMillis: number
}

/**
 * A `terminate_connections` call and the sockets it closed.
 *
 * @since 0.1.0
 * @category models
 */
export interface Termination {
  readonly userId: string
  /** The simulated sockets that were closed (those connected with this `userId`). */
  readonly socketIds: ReadonlyArray<string>
  readonly timeMillis: number
}

/**
 * A webhook request as Channels POSTs it: lowercase header names, the `{"time_ms", "events"}` body.
 *
 * @since 0.1.0
 * @category models
 */
export interface SentWebhook {
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/**
 * A request the emulator received, in transport-neutral form.
 *
 * @since 0.1.0
 * @category models
 */
export interface Request {
  readonly method: string
  /** Path and query exactly as sent (`/apps/1/events?auth_key=...`); a full URL is accepted too. */
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/**
 * A request as logged: its path, its decoded query (signature included) and the status it got (none after
 * a transport fault).
 *
 * @since 0.1.0
 * @category models
 */
export interface LoggedRequest {
  readonly method: string
  /** The path as sent, without the query. */
  readonly path: string
  /** The decoded query parameters, signature included. */
  readonly query: Readonly<Record<string, string>>
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  readonly status?: number
  readonly timeMillis: number
}

/**
 * Event data as tests want to read it: parsed when it is JSON, else the string as sent.
 *
 * @since 0.1.0
 * @category records
 */
export const decodeData = (raw: string): unknown => {
  const parsed = Json.parseOrUndefined(raw)
  return parsed === undefined ? raw : parsed
}

/**
 * The record of one published event.
 *
 * @since 0.1.0
 * @category records
 */
export const event = (published: EmulatorRest.Published, nowMillis: number): RecordedEvent => ({
  sequence: published.sequence,
  channel: published.channel,
  name: published.name,
  data: decodeData(published.data),
  rawData: published.data,
  ...(published.excludedSocketId !== undefined ? { excludedSocketId: published.excludedSocketId } : {}),
  recipients: published.recipients,
  ...(published.userId !== undefined ? { userId: published.userId } : {}),
  endpoint: published.endpoint,
  timeMillis: nowMillis
})

/**
 * The record of a `terminate_connections` call.
 *
 * @since 0.1.0
 * @category records
 */
export const termination = (
  terminated: NonNullable<EmulatorRest.Outcome["terminated"]>,
  nowMillis: number
): Termination => ({ userId: terminated.userId, socketIds: terminated.socketIds, timeMillis: nowMillis })

/**
 * The one webhook request that a set of changes sends (all its events in one body, signed with `sign`, the
 * app secret's HMAC-SHA256 in hex), or `undefined` when none of the changes is reported.
 *
 * @since 0.1.0
 * @category records
 */
export const webhook = (
  changes: ReadonlyArray<EmulatorState.Change>,
  settings: EmulatorEvents.Settings,
  key: string,
  sign: (body: string) => string,
  nowMillis: number
): SentWebhook | undefined => {
  const hooks = EmulatorEvents.webhookEvents(changes, settings)
  if (hooks.length === 0) return undefined
  const body = EmulatorEvents.webhookBody(nowMillis, hooks)
  return { headers: EmulatorEvents.webhookHeaders(key, sign(body)), body }
}

/**
 * The log entry of a request, with the status it got (none after a transport fault).
 *
 * @since 0.1.0
 * @category records
 */
export const request = (received: Request, status: number | undefined, nowMillis: number): LoggedRequest => {
  const target = EmulatorApi.parseTarget(received.url)
  return {
    method: received.method,
    path: target.path,
    query: Object.fromEntries(target.query ?? []),
    headers: received.headers,
    body: received.body,
    ...(status !== undefined ? { status } : {}),
    timeMillis: nowMillis
  }
}
