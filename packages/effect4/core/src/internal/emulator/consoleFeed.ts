import type * as EmulatorState from "@effect-pusher/protocol/EmulatorState"
import * as Encoding from "@effect-pusher/protocol/Encoding"
import * as Json from "@effect-pusher/protocol/Json"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as SynchronizedRef from "effect/SynchronizedRef"
import type * as PusherTest from "../../PusherTest.js"
import type { Emulator } from "./emulator.js"
import type { Log } from "./log.js"

/**
 * What one console may cost, whatever the app does. No queue grows for a console: it reads the logs
 * (which the emulator keeps anyway) from its own position when it is ready for more, at most the newest
 * `logBatch` entries of each at a time; one that has fallen further behind skips the older entries and is
 * told how many (a `skipped` event). It reads the latest state when it is ready too, at most once per
 * `stateInterval`, and a view lists at most the counts below (with the totals), so one view stays small
 * however many sockets are connected.
 *
 * @internal
 */
export const limits = {
  logBatch: 256,
  history: 200,
  stateInterval: Duration.millis(100),
  keepAlive: Duration.seconds(15),
  connections: 200,
  channels: 100,
  subscribers: 20,
  members: 50,
  textBytes: 2048,
  infoBytes: 200
} as const

/** User input (event data, bodies, channel names) as shown: a prefix of at most `textBytes` of UTF-8. */
interface Text {
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
 * @internal
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

const fromRequest = (request: PusherTest.LoggedRequest): Entry => ({
  kind: "request",
  timeMillis: request.timeMillis,
  method: request.method,
  path: request.path,
  query: Object.entries(request.query).filter(([key]) => !signatureParameters.has(key)),
  ...(request.status !== undefined ? { status: request.status } : {}),
  body: clip(request.body)
})

const fromEvent = (event: PusherTest.RecordedEvent): Entry => ({
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
 * A webhook, and the client events it reports. The emulator wrote the body, so it is the webhook wire
 * format; a field that is not what it should be is shown as missing rather than trusted.
 */
const fromWebhook = (webhook: PusherTest.SentWebhook): ReadonlyArray<Entry> => {
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

/** At most `count` items and how many there were. */
interface Listed<A> {
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
 * @internal
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

const stateView = (state: EmulatorState.State, real: ReadonlyMap<string, unknown>): StateView => ({
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
 */
const frame = (event: "snapshot" | "state" | "log" | "skipped", value: unknown): string =>
  `event: ${event}\ndata: ${JSON.stringify(value)}\n\n`

/** A comment line: keeps proxies and idle timers from closing a quiet feed, and finds a gone client sooner. */
const keepAlive = ": keep-alive\n\n"

const views = (emulator: Emulator, seen: number): Stream.Stream<string> =>
  Stream.unfold({ seen, pause: false }, (last) =>
    // The pause comes before waiting for the next change, so the view sent is read when it is sent.
    Effect.andThen(last.pause ? Effect.sleep(limits.stateInterval) : Effect.void, emulator.changed.after(last.seen))
      .pipe(
        Effect.zipWith(
          SynchronizedRef.get(emulator.state),
          (version, state) =>
            [frame("state", stateView(state, emulator.outlets)), { seen: version, pause: true }] as const
        )
      ))

/**
 * The console's feed as Server-Sent Events: a `snapshot` (the app, the state and the recent log), then a
 * `state` view whenever the state has changed and a `log` entry for each new REST call, event and webhook,
 * until the stream is interrupted (the client went, or the server is closing).
 *
 * @internal
 */
export const feed = (emulator: Emulator): Stream.Stream<string> =>
  Stream.unwrap(Effect.gen(function*() {
    // Read the positions with the state: what follows the snapshot is what happened after it.
    const seen = emulator.changed.current
    const state = yield* SynchronizedRef.get(emulator.state)
    const { events, requests, webhooks } = emulator
    const positions = { events: events.end, requests: requests.end, webhooks: webhooks.end }
    const history = [
      ...requests.last(limits.history).map(fromRequest),
      ...events.last(limits.history).map(fromEvent),
      ...webhooks.last(limits.history).flatMap(fromWebhook)
    ].sort(byTime).slice(-limits.history)
    const snapshot = frame("snapshot", {
      app: { appId: emulator.config.appId, key: emulator.config.key },
      state: stateView(state, emulator.outlets),
      log: history
    })
    // Each log is read from where the snapshot left it, a batch (one write) at a time when the feed is ready
    // for more.
    const follow = <A>(log: Log<A>, position: number, entries: (a: A) => ReadonlyArray<Entry>) =>
      Stream.map(log.following(position, limits.logBatch), (batch) => {
        const frames = batch.entries.flatMap(entries).map((entry) => frame("log", entry)).join("")
        return batch.skipped === 0 ? frames : frame("skipped", { count: batch.skipped }) + frames
      })
    const beats = Stream.as(Stream.fromSchedule(Schedule.spaced(limits.keepAlive)), keepAlive)
    return Stream.concat(
      Stream.succeed(snapshot),
      // A small merge buffer: what waits here is already read (a batch is one element).
      Stream.mergeAll([
        views(emulator, seen),
        follow(requests, positions.requests, (request) => [fromRequest(request)]),
        follow(events, positions.events, (event) => [fromEvent(event)]),
        follow(webhooks, positions.webhooks, fromWebhook),
        beats
      ], { concurrency: "unbounded", bufferSize: 2 })
    )
  }))
