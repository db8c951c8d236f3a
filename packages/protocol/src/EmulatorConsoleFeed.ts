/**
 * What the emulator's debug console shows, as plain data: the rows of its log (REST calls, events, webhooks,
 * client events), its views of the state, and the Server-Sent Events that carry them. What one console may
 * cost is bounded here ({@link limits}): user input is cut to a prefix, a view lists at most a fixed count of
 * each kind. Both Effect lines build their feed from these functions; only the waiting differs.
 *
 * @since 0.1.0
 */
import type { LoggedRequest, RecordedEvent, SentWebhook } from "./EmulatorRecords.js"
import type * as EmulatorState from "./EmulatorState.js"
import * as Encoding from "./Encoding.js"
import * as Json from "./Json.js"

/**
 * What one console may cost, whatever the app does. No queue grows for a console: it reads the logs (which
 * the emulator keeps anyway) from its own position when it is ready for more, at most the newest `logBatch`
 * entries of each at a time; one that has fallen further behind skips the older entries and is told how many
 * (a `skipped` event). It reads the latest state when it is ready too, at most once per
 * `stateIntervalMillis`, and a view lists at most the counts below (with the totals), so one view stays small
 * however many sockets are connected.
 *
 * @since 0.1.0
 * @category limits
 */
export const limits = {
  logBatch: 256,
  history: 200,
  stateIntervalMillis: 100,
  keepAliveMillis: 15_000,
  connections: 200,
  channels: 100,
  subscribers: 20,
  members: 50,
  textBytes: 2048,
  infoBytes: 200
} as const

/**
 * User input (event data, bodies, channel names) as shown: a prefix of at most `textBytes` of UTF-8.
 *
 * @since 0.1.0
 * @category models
 */
export interface Text {
  readonly text: string
  readonly truncated?: true
}

const clip = (s: string, bytes: number = limits.textBytes): Text => {
  const text = Encoding.utf8Prefix(s, bytes)
  return text.length === s.length ? { text } : { text, truncated: true }
}

/**
 * One row of the console's log: a REST call, an event published, a webhook sent, a client event (reported
 * by its webhook, which every client event sends).
 *
 * @since 0.1.0
 * @category models
 */
export type Entry =
  | {
    readonly kind: "request"
    readonly timeMillis: number
    readonly method: string
    readonly path: string
    /** The query without the signature parameters (`auth_*`, `body_md5`): what the call asked for. */
    readonly query: ReadonlyArray<readonly [string, string]>
    readonly status?: number
    readonly body: Text
  }
  | {
    readonly kind: "event"
    readonly timeMillis: number
    readonly sequence: number
    readonly channel: string
    readonly name: string
    readonly data: Text
    readonly recipients: number
    readonly excludedSocketId?: string
    readonly userId?: string
  }
  | {
    readonly kind: "webhook"
    readonly timeMillis: number
    readonly events: ReadonlyArray<Readonly<Record<string, string | number>>>
  }
  | {
    readonly kind: "client"
    readonly timeMillis: number
    readonly channel: string
    readonly event: string
    readonly data: Text
    readonly socketId: string
    readonly userId?: string
  }

const signatureParameters = new Set(["auth_key", "auth_timestamp", "auth_version", "auth_signature", "body_md5"])

/**
 * The log row of a REST call, without the signature parameters.
 *
 * @since 0.1.0
 * @category entries
 */
export const fromRequest = (request: LoggedRequest): Entry => ({
  kind: "request",
  timeMillis: request.timeMillis,
  method: request.method,
  path: request.path,
  query: Object.entries(request.query).filter(([key]) => !signatureParameters.has(key)),
  ...(request.status !== undefined ? { status: request.status } : {}),
  body: clip(request.body)
})

/**
 * The log row of a published event.
 *
 * @since 0.1.0
 * @category entries
 */
export const fromEvent = (event: RecordedEvent): Entry => ({
  kind: "event",
  timeMillis: event.timeMillis,
  sequence: event.sequence,
  channel: event.channel,
  name: event.name,
  data: clip(event.rawData),
  recipients: event.recipients.length,
  ...(event.excludedSocketId !== undefined ? { excludedSocketId: event.excludedSocketId } : {}),
  ...(event.userId !== undefined ? { userId: event.userId } : {})
})

const field = (record: Record<string, unknown>, key: string): string | undefined => {
  const value = record[key]
  return typeof value === "string" ? value : undefined
}

/**
 * The log rows of a webhook: the client events it reports, then the webhook. The emulator wrote the body,
 * so it is the webhook wire format; a field that is not what it should be is shown as missing rather than
 * trusted.
 *
 * @since 0.1.0
 * @category entries
 */
export const fromWebhook = (webhook: SentWebhook): ReadonlyArray<Entry> => {
  const body = Json.parseOrUndefined(webhook.body)
  if (!Json.isRecord(body)) return []
  const timeMillis = typeof body.time_ms === "number" ? body.time_ms : 0
  const events = Array.isArray(body.events) ? body.events.filter(Json.isRecord) : []
  const summary = events.map((event) => {
    const row: Record<string, string | number> = {}
    for (const key of ["name", "channel", "user_id", "event", "socket_id", "subscription_count"]) {
      const value = event[key]
      if (typeof value === "string") row[key] = clip(value).text
      else if (typeof value === "number") row[key] = value
    }
    return row
  })
  const clients = events.flatMap((event): ReadonlyArray<Entry> => {
    if (event.name !== "client_event") return []
    const userId = field(event, "user_id")
    return [{
      kind: "client",
      timeMillis,
      channel: field(event, "channel") ?? "",
      event: field(event, "event") ?? "",
      data: clip(field(event, "data") ?? ""),
      socketId: field(event, "socket_id") ?? "",
      ...(userId !== undefined ? { userId } : {})
    }]
  })
  return [...clients, { kind: "webhook", timeMillis, events: summary }]
}

/** Within one millisecond, the order a call's effects happen in: the call, its events, then its webhook. */
const rank: Record<Entry["kind"], number> = { request: 0, event: 1, client: 2, webhook: 3 }

const byTime = (a: Entry, b: Entry): number => a.timeMillis - b.timeMillis || rank[a.kind] - rank[b.kind]

/**
 * At most `count` items and how many there were.
 *
 * @since 0.1.0
 * @category models
 */
export interface Listed<A> {
  readonly total: number
  readonly shown: ReadonlyArray<A>
}

const listed = <A, B>(items: Iterable<A>, total: number, count: number, f: (a: A) => B): Listed<B> => {
  const shown: Array<B> = []
  for (const item of items) {
    if (shown.length >= count) break
    shown.push(f(item))
  }
  return { total, shown }
}

/**
 * What the console shows of the state: connections (a real socket or a simulated client), and channels
 * with their subscribers and presence members.
 *
 * @since 0.1.0
 * @category models
 */
export interface StateView {
  readonly connections: Listed<{
    readonly socketId: string
    readonly userId?: string
    readonly real: boolean
    readonly channels: number
  }>
  readonly channels: Listed<{
    readonly name: string
    readonly subscribers: Listed<string>
    readonly members?: Listed<{ readonly id: string; readonly info?: Text }>
  }>
}

const members = (channel: EmulatorState.Channel): Listed<{ readonly id: string; readonly info?: Text }> => {
  // A member's info is the one it joined with on its first socket (as Channels reports it).
  const infos = new Map<string, unknown>()
  for (const member of channel.sockets.values()) {
    if (member.userId !== undefined && !infos.has(member.userId)) infos.set(member.userId, member.userInfo)
    if (infos.size >= limits.members) break
  }
  return listed(channel.users.keys(), channel.users.size, limits.members, (id) => {
    const info = infos.get(id)
    const json = info === undefined ? undefined : Json.toJson("info", info)
    return json !== undefined && json.ok ? { id, info: clip(json.value, limits.infoBytes) } : { id }
  })
}

/**
 * The view of the state a console shows; `real` holds the socket ids of real sockets (the others are
 * simulated clients).
 *
 * @since 0.1.0
 * @category views
 */
export const stateView = (state: EmulatorState.State, real: ReadonlyMap<string, unknown>): StateView => ({
  connections: listed(state.connections, state.connections.size, limits.connections, ([socketId, connection]) => ({
    socketId,
    ...(connection.userId !== undefined ? { userId: connection.userId } : {}),
    real: real.has(socketId),
    channels: connection.channels.size
  })),
  channels: listed(state.channels, state.channels.size, limits.channels, ([name, channel]) => ({
    name,
    subscribers: listed(channel.sockets.keys(), channel.sockets.size, limits.subscribers, (id) => id),
    ...(name.startsWith("presence-") ? { members: members(channel) } : {})
  }))
})

/**
 * One Server-Sent Event: its name and one `data:` line. JSON has no raw line breaks (`JSON.stringify` escapes
 * them, and U+2028/U+2029 are not line ends in SSE), so user input cannot start a field of its own.
 *
 * @since 0.1.0
 * @category frames
 */
export const frame = (event: "snapshot" | "state" | "log" | "skipped", value: unknown): string =>
  `event: ${event}\ndata: ${JSON.stringify(value)}\n\n`

/**
 * A comment line: keeps proxies and idle timers from closing a quiet feed, and finds a gone client sooner.
 *
 * @since 0.1.0
 * @category frames
 */
export const keepAlive = ": keep-alive\n\n"

/**
 * The first event of a feed: the app (id and key, never the secret), the state and the most recent log rows
 * (at most `history`, in the order they happened).
 *
 * @since 0.1.0
 * @category frames
 */
export const snapshot = (
  app: { readonly appId: string; readonly key: string },
  state: EmulatorState.State,
  real: ReadonlyMap<string, unknown>,
  recent: {
    readonly requests: ReadonlyArray<LoggedRequest>
    readonly events: ReadonlyArray<RecordedEvent>
    readonly webhooks: ReadonlyArray<SentWebhook>
  }
): string => {
  const history = [
    ...recent.requests.map(fromRequest),
    ...recent.events.map(fromEvent),
    ...recent.webhooks.flatMap(fromWebhook)
  ].sort(byTime).slice(-limits.history)
  return frame("snapshot", { app: { appId: app.appId, key: app.key }, state: stateView(state, real), log: history })
}

/**
 * One write of a feed following a log: a `skipped` event when older entries were skipped, then a `log`
 * event per row.
 *
 * @since 0.1.0
 * @category frames
 */
export const logFrames = (skipped: number, entries: ReadonlyArray<Entry>): string => {
  const frames = entries.map((entry) => frame("log", entry)).join("")
  return skipped === 0 ? frames : frame("skipped", { count: skipped }) + frames
}
