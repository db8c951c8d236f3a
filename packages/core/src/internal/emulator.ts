import * as Encoding from "@effect-pusher/protocol/Encoding"
import * as ProtocolSigning from "@effect-pusher/protocol/Signing"
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as PusherConfig from "../PusherConfig.js"
import type * as PusherCrypto from "../PusherCrypto.js"
import type { ValidationError } from "../PusherError.js"
import type * as PusherTest from "../PusherTest.js"
import { Log } from "./emulatorLog.js"
import * as Signing from "./signing.js"
import * as V from "./validation.js"

/** @internal */
export interface Settings {
  readonly subscriptionCountWebhooks: boolean
  readonly cacheTtlSeconds: number
}

/** Hosted Channels accepts a signed request within this many seconds of its clock. */
const timestampWindowSeconds = 600

interface Member {
  readonly userId: string | undefined
}

interface ChannelState {
  /** Subscribed sockets, in order of subscription. */
  readonly sockets: Map<string, Member>
  /** Presence members: user id to the number of its sockets in the channel. */
  readonly users: Map<string, number>
}

interface Connection {
  readonly userId: string | undefined
  readonly channels: Set<string>
}

interface CachedEvent {
  readonly data: string
  readonly atMillis: number
}

type WebhookEvent = Readonly<Record<string, string | number>>

type Answer = PusherTest.EmulatorAnswer

const textAnswer = (status: number, body: string): Answer => ({
  _tag: "Response",
  status,
  contentType: "text/plain; charset=utf-8",
  body
})

const jsonAnswer = (value: unknown): Answer => ({
  _tag: "Response",
  status: 200,
  contentType: "application/json",
  body: JSON.stringify(value)
})

const defaultBodies: Readonly<Record<number, string>> = {
  400: "Bad request",
  401: "Unauthorized",
  403: "Forbidden: the application is disabled or over its message quota",
  404: "Not found",
  413: "Payload too large",
  429: "Too many requests",
  500: "Internal server error",
  502: "Bad gateway",
  503: "Service unavailable",
  504: "Gateway timeout"
}

const isPresence = (channel: string) => channel.startsWith("presence-")
const isPrivateOrPresence = (channel: string) => channel.startsWith("private-") || isPresence(channel)
const cachePattern = /^(?:private-encrypted-|private-|presence-)?cache-/
const isCacheChannel = (channel: string) => cachePattern.test(channel)

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const decodeData = (raw: string): unknown => {
  const parsed = parseJson(raw)
  return parsed === undefined ? raw : parsed
}

const matcher = (filter: PusherTest.EventFilter | undefined): (event: PusherTest.RecordedEvent) => boolean => {
  if (filter === undefined) return () => true
  if (typeof filter === "function") return filter
  return (event) =>
    (filter.channel === undefined || event.channel === filter.channel) &&
    (filter.name === undefined || event.name === filter.name)
}

/** Splits a raw query string into decoded pairs; undefined when it is not valid percent-encoding. */
const parseQuery = (raw: string): Map<string, string> | undefined => {
  const query = new Map<string, string>()
  if (raw === "") return query
  try {
    for (const part of raw.split("&")) {
      if (part === "") continue
      const eq = part.indexOf("=")
      const key = decodeURIComponent((eq === -1 ? part : part.slice(0, eq)).replace(/\+/g, " "))
      const value = eq === -1 ? "" : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, " "))
      query.set(key, value)
    }
  } catch {
    return undefined
  }
  return query
}

const splitUrl = (url: string): readonly [string, string] => {
  let rest = url
  if (!rest.startsWith("/")) {
    // A full URL: drop the scheme and authority, keep the path exactly as sent.
    const authority = rest.indexOf("//")
    const slash = rest.indexOf("/", authority === -1 ? 0 : authority + 2)
    rest = slash === -1 ? "/" : rest.slice(slash)
  }
  const hash = rest.indexOf("#")
  if (hash !== -1) rest = rest.slice(0, hash)
  const question = rest.indexOf("?")
  return question === -1 ? [rest, ""] : [rest.slice(0, question), rest.slice(question + 1)]
}

/**
 * The emulated app: simulated connections, recordings and the HTTP API. Mutable state is touched only
 * inside `Effect.sync`/`Effect.suspend` blocks that never yield, so each operation is atomic on the
 * single-threaded runtime.
 *
 * @internal
 */
export class Emulator {
  private readonly sign: (message: string) => string
  private readonly channels = new Map<string, ChannelState>()
  private readonly connections = new Map<string, Connection>()
  private readonly cache = new Map<string, CachedEvent>()
  private readonly faults: Array<PusherTest.Fault> = []
  private nextSocket = 1
  private nextSequence = 0
  readonly events = new Log<PusherTest.RecordedEvent>()
  readonly webhooks = new Log<PusherTest.WebhookRequest>()
  readonly terminations = new Log<PusherTest.Termination>()
  readonly requests = new Log<PusherTest.LoggedRequest>()

  constructor(
    readonly config: PusherConfig.Service,
    private readonly crypto: PusherCrypto.Service,
    private readonly settings: Settings
  ) {
    this.sign = Signing.signer(config, crypto)
  }

  // -------------------------------------------------------------------------------------------------------
  // Simulated clients
  // -------------------------------------------------------------------------------------------------------

  private freshSocketId(): string {
    for (;;) {
      const n = this.nextSocket++
      const id = `${100000 + n}.${(n * 7919) % 1000000}`
      if (!this.connections.has(id)) return id
    }
  }

  private openConnection(socketId: string | undefined, userId: string | undefined): string | ValidationError {
    if (socketId !== undefined) {
      const error = V.checkSocketId("socketId", socketId)
      if (error !== undefined) return error
    }
    if (userId !== undefined) {
      const error = V.checkUserId("userId", userId)
      if (error !== undefined) return error
    }
    const id = socketId ?? this.freshSocketId()
    const existing = this.connections.get(id)
    if (existing !== undefined) {
      if (userId !== undefined && existing.userId !== userId) {
        return V.fail(
          "socketId",
          `is already connected${existing.userId === undefined ? "" : ` as ${existing.userId}`}`
        )
      }
      return id
    }
    this.connections.set(id, { userId, channels: new Set() })
    return id
  }

  connect(options: PusherTest.ConnectOptions | undefined): Effect.Effect<string, ValidationError> {
    return Effect.suspend(() => {
      const id = this.openConnection(options?.socketId, options?.userId)
      return typeof id === "string" ? Effect.succeed(id) : Effect.fail(id)
    })
  }

  subscribe(channel: string, options: PusherTest.SubscribeOptions | undefined): Effect.Effect<string, ValidationError> {
    return Effect.clockWith((clock) => {
      const error = V.checkChannel("channel", channel) ??
        (isPresence(channel)
          ? (options?.user === undefined
            ? V.fail("options.user", "is required on a presence- channel ({ id, info? })")
            : V.checkUserId("options.user.id", options.user.id))
          : options?.user === undefined
          ? undefined
          : V.fail("options.user", "is only for presence- channels"))
      if (error !== undefined) return Effect.fail(error)
      const socketId = this.openConnection(options?.socketId, undefined)
      if (typeof socketId !== "string") return Effect.fail(socketId)
      const connection = this.connections.get(socketId)!
      if (connection.channels.has(channel)) return Effect.succeed(socketId)
      connection.channels.add(channel)
      let state = this.channels.get(channel)
      const hooks: Array<WebhookEvent> = []
      if (state === undefined) {
        state = { sockets: new Map(), users: new Map() }
        this.channels.set(channel, state)
      }
      if (state.sockets.size === 0) hooks.push({ name: "channel_occupied", channel })
      const userId = options?.user?.id
      state.sockets.set(socketId, { userId })
      if (userId !== undefined) {
        const count = state.users.get(userId) ?? 0
        state.users.set(userId, count + 1)
        if (count === 0) hooks.push({ name: "member_added", channel, user_id: userId })
      }
      if (this.settings.subscriptionCountWebhooks) {
        hooks.push({ name: "subscription_count", channel, subscription_count: state.sockets.size })
      }
      if (isCacheChannel(channel) && this.cachedEvent(channel, clock.unsafeCurrentTimeMillis()) === undefined) {
        hooks.push({ name: "cache_miss", channel })
      }
      this.sendWebhook(hooks, clock.unsafeCurrentTimeMillis())
      return Effect.succeed(socketId)
    })
  }

  private leave(channel: string, socketId: string, hooks: Array<WebhookEvent>): void {
    const connection = this.connections.get(socketId)
    const state = this.channels.get(channel)
    if (connection === undefined || state === undefined || !connection.channels.has(channel)) return
    connection.channels.delete(channel)
    const member = state.sockets.get(socketId)
    state.sockets.delete(socketId)
    if (member?.userId !== undefined) {
      const count = state.users.get(member.userId) ?? 1
      if (count <= 1) {
        state.users.delete(member.userId)
        hooks.push({ name: "member_removed", channel, user_id: member.userId })
      } else state.users.set(member.userId, count - 1)
    }
    if (this.settings.subscriptionCountWebhooks) {
      hooks.push({ name: "subscription_count", channel, subscription_count: state.sockets.size })
    }
    if (state.sockets.size === 0) {
      this.channels.delete(channel)
      hooks.push({ name: "channel_vacated", channel })
    }
  }

  private close(socketId: string, hooks: Array<WebhookEvent>): void {
    const connection = this.connections.get(socketId)
    if (connection === undefined) return
    for (const channel of Array.from(connection.channels)) this.leave(channel, socketId, hooks)
    this.connections.delete(socketId)
  }

  unsubscribe(channel: string, socketId: string): Effect.Effect<void> {
    return Effect.clockWith((clock) =>
      Effect.sync(() => {
        const hooks: Array<WebhookEvent> = []
        this.leave(channel, socketId, hooks)
        this.sendWebhook(hooks, clock.unsafeCurrentTimeMillis())
      })
    )
  }

  disconnect(socketId: string): Effect.Effect<void> {
    return Effect.clockWith((clock) =>
      Effect.sync(() => {
        const hooks: Array<WebhookEvent> = []
        this.close(socketId, hooks)
        this.sendWebhook(hooks, clock.unsafeCurrentTimeMillis())
      })
    )
  }

  injectClientEvent(event: PusherTest.ClientEvent): Effect.Effect<void, ValidationError> {
    return Effect.clockWith((clock) => {
      const error = V.checkChannel("channel", event.channel) ??
        (isPrivateOrPresence(event.channel)
          ? undefined
          : V.fail("channel", "must be a private- or presence- channel: Channels drops client events elsewhere")) ??
        V.checkEventName("event", event.event) ??
        (event.event.startsWith("client-") ? undefined : V.fail("event", "must start with client-")) ??
        V.checkSocketId("socketId", event.socketId)
      if (error !== undefined) return Effect.fail(error)
      const member = this.channels.get(event.channel)?.sockets.get(event.socketId)
      if (member === undefined) return Effect.fail(V.fail("socketId", `must be subscribed to ${event.channel}`))
      const data = V.serializeData("data", event.data)
      if (typeof data !== "string") return Effect.fail(data)
      const hook: Record<string, string> = {
        name: "client_event",
        channel: event.channel,
        event: event.event,
        data,
        socket_id: event.socketId
      }
      if (member.userId !== undefined) hook.user_id = member.userId
      this.sendWebhook([hook], clock.unsafeCurrentTimeMillis())
      return Effect.void
    })
  }

  failNext(fault: PusherTest.Fault, times: number): Effect.Effect<void, ValidationError> {
    return Effect.suspend(() => {
      if (!Number.isSafeInteger(times) || times < 1 || times > 10_000) {
        return Effect.fail(V.fail("times", "must be an integer from 1 to 10000"))
      }
      if (fault._tag === "Status" && (!Number.isInteger(fault.status) || fault.status < 400 || fault.status > 599)) {
        return Effect.fail(V.fail("fault.status", "must be an error status from 400 to 599"))
      }
      if (fault._tag === "Delay" && Duration.decodeUnknown(fault.duration)._tag === "None") {
        return Effect.fail(V.fail("fault.duration", "must be a duration"))
      }
      for (let i = 0; i < times; i++) this.faults.push(fault)
      return Effect.void
    })
  }

  reset(): void {
    this.channels.clear()
    this.connections.clear()
    this.cache.clear()
    this.faults.length = 0
    this.events.clear()
    this.webhooks.clear()
    this.terminations.clear()
    this.requests.clear()
  }

  // -------------------------------------------------------------------------------------------------------
  // Webhooks
  // -------------------------------------------------------------------------------------------------------

  private sendWebhook(events: ReadonlyArray<WebhookEvent>, nowMillis: number): void {
    if (events.length === 0) return
    const body = JSON.stringify({ time_ms: nowMillis, events })
    const request: PusherTest.WebhookRequest = {
      headers: {
        "content-type": "application/json",
        "x-pusher-key": this.config.key,
        "x-pusher-signature": this.sign(body)
      },
      body
    }
    this.webhooks.append(request)
  }

  deliverWebhooks<E, R>(
    handler: (request: PusherTest.WebhookRequest) => Effect.Effect<unknown, E, R>,
    retry: Schedule.Schedule<unknown, E> | undefined
  ): Effect.Effect<void, never, Scope.Scope | R> {
    const schedule: Schedule.Schedule<unknown, E> = retry ??
      Schedule.exponential(Duration.seconds(1)).pipe(Schedule.upTo(Duration.minutes(5)))
    // The starting point is taken now, not when the fiber starts, so nothing sent after this call is missed.
    return Effect.suspend(() =>
      this.webhooks.from(this.webhooks.end).pipe(
        Stream.runForEach((request) => Effect.ignore(Effect.retry(handler(request), schedule))),
        Effect.forkScoped,
        Effect.asVoid
      )
    )
  }

  // -------------------------------------------------------------------------------------------------------
  // The HTTP API
  // -------------------------------------------------------------------------------------------------------

  handle(request: PusherTest.EmulatorRequest): Effect.Effect<Answer> {
    return Effect.suspend(() => {
      const fault = this.faults.shift()
      if (fault?._tag === "Delay") {
        return Effect.zipRight(Effect.sleep(fault.duration), this.answer(request, undefined))
      }
      return this.answer(request, fault)
    })
  }

  private answer(request: PusherTest.EmulatorRequest, fault: PusherTest.Fault | undefined): Effect.Effect<Answer> {
    return Effect.clockWith((clock) => {
      const now = clock.unsafeCurrentTimeMillis()
      let answer: Answer
      if (fault === undefined || fault._tag === "Delay") answer = this.process(request, now)
      else if (fault._tag === "Status") {
        answer = textAnswer(fault.status, fault.body ?? defaultBodies[fault.status] ?? `Error ${fault.status}`)
      } else if (fault._tag === "MalformedBody") {
        answer = {
          _tag: "Response",
          status: 200,
          contentType: "application/json",
          body: fault.body ?? "{\"channels\":"
        }
      } else answer = { _tag: "TransportFault", description: fault.description ?? "connection reset by the emulator" }
      const [path, rawQuery] = splitUrl(request.url)
      this.requests.append({
        method: request.method,
        path,
        query: Object.fromEntries(parseQuery(rawQuery) ?? []),
        headers: request.headers,
        body: request.body,
        ...(answer._tag === "Response" ? { status: answer.status } : {}),
        timeMillis: now
      })
      return Effect.succeed(answer)
    })
  }

  /** Routes and answers one request, recording what it changes. */
  private process(request: PusherTest.EmulatorRequest, now: number): Answer {
    const [path, rawQuery] = splitUrl(request.url)
    const segments = path.split("/")
    if (segments[1] !== "apps" || segments.length < 4) return textAnswer(404, "Not found")
    if (segments[2] !== this.config.appId) return textAnswer(404, `Unknown app id ${segments[2] ?? ""}`)
    const query = parseQuery(rawQuery)
    if (query === undefined) return textAnswer(400, "The query string is not valid percent-encoding")
    const denied = this.authenticate(request.method, path, query, request.body, now)
    if (denied !== undefined) return denied

    let route: Array<string>
    try {
      route = segments.slice(3).map(decodeURIComponent)
    } catch {
      return textAnswer(400, "The path is not valid percent-encoding")
    }
    const method = request.method.toUpperCase()
    const [first, second, third] = route
    if (method === "POST" && route.length === 1 && first === "events") return this.trigger(request.body, now)
    if (method === "POST" && route.length === 1 && first === "batch_events") return this.batch(request.body, now)
    if (method === "GET" && route.length === 1 && first === "channels") return this.listChannels(query)
    if (method === "GET" && route.length === 2 && first === "channels") return this.channel(second!, query, now)
    if (method === "GET" && route.length === 3 && first === "channels" && third === "users") return this.users(second!)
    if (method === "POST" && route.length === 3 && first === "users" && third === "terminate_connections") {
      return this.terminate(second!, now)
    }
    return textAnswer(404, "Not found")
  }

  private authenticate(
    method: string,
    path: string,
    query: ReadonlyMap<string, string>,
    body: string,
    now: number
  ): Answer | undefined {
    const key = query.get("auth_key")
    if (key === undefined) return textAnswer(401, "Missing auth_key")
    if (key !== this.config.key) return textAnswer(401, `Unknown auth_key ${key}`)
    const timestamp = query.get("auth_timestamp")
    if (timestamp === undefined || !/^\d{1,15}$/.test(timestamp)) {
      return textAnswer(401, "auth_timestamp must be the number of seconds since the epoch")
    }
    const serverSeconds = Math.floor(now / 1000)
    if (Math.abs(serverSeconds - Number(timestamp)) > timestampWindowSeconds) {
      return textAnswer(
        401,
        `Timestamp expired: Given timestamp (${timestamp}) not within ${timestampWindowSeconds}s of server time (${serverSeconds})`
      )
    }
    if (query.get("auth_version") !== "1.0") return textAnswer(401, "auth_version must be 1.0")
    const md5 = query.get("body_md5")
    if (body !== "") {
      if (md5 === undefined) return textAnswer(401, "Missing body_md5: a request with a body must sign its MD5")
      if (!this.crypto.timingSafeEqual(md5.toLowerCase(), this.crypto.md5Hex(body))) {
        return textAnswer(401, "Invalid body_md5: it is not the MD5 of the body received")
      }
    } else if (md5 !== undefined && !this.crypto.timingSafeEqual(md5.toLowerCase(), this.crypto.md5Hex(""))) {
      return textAnswer(401, "Invalid body_md5: it is not the MD5 of the body received")
    }
    const signature = query.get("auth_signature")
    if (signature === undefined) return textAnswer(401, "Missing auth_signature")
    const stringToSign = ProtocolSigning.stringToSign(
      method.toUpperCase(),
      path,
      ProtocolSigning.canonicalQuery(Array.from(query).filter(([k]) => k !== "auth_signature"))
    )
    if (!this.crypto.timingSafeEqual(signature.toLowerCase(), this.sign(stringToSign))) {
      return textAnswer(
        401,
        `Invalid signature: expected the HMAC-SHA256 hex digest of ${
          JSON.stringify(stringToSign)
        }, but got ${signature}`
      )
    }
    return undefined
  }

  private cachedEvent(channel: string, now: number): CachedEvent | undefined {
    const cached = this.cache.get(channel)
    if (cached === undefined) return undefined
    if (now - cached.atMillis >= this.settings.cacheTtlSeconds * 1000) {
      this.cache.delete(channel)
      return undefined
    }
    return cached
  }

  private attributes(channel: string, info: ReadonlySet<string>): Record<string, number> {
    const state = this.channels.get(channel)
    const attributes: Record<string, number> = {}
    if (info.has("subscription_count")) attributes.subscription_count = state?.sockets.size ?? 0
    if (info.has("user_count") && isPresence(channel)) attributes.user_count = state?.users.size ?? 0
    return attributes
  }

  private record(
    endpoint: "events" | "batch_events",
    channel: string,
    name: string,
    data: string,
    socketId: string | undefined,
    now: number
  ): void {
    let recipients: Array<string>
    let userId: string | undefined
    if (channel.startsWith(V.serverToUserPrefix)) {
      userId = channel.slice(V.serverToUserPrefix.length)
      recipients = []
      for (const [id, connection] of this.connections) if (connection.userId === userId) recipients.push(id)
    } else {
      recipients = Array.from(this.channels.get(channel)?.sockets.keys() ?? [])
      if (isCacheChannel(channel)) this.cache.set(channel, { data, atMillis: now })
    }
    if (socketId !== undefined) recipients = recipients.filter((id) => id !== socketId)
    this.events.append({
      sequence: this.nextSequence++,
      channel,
      name,
      data: decodeData(data),
      rawData: data,
      ...(socketId !== undefined ? { excludedSocketId: socketId } : {}),
      recipients,
      ...(userId !== undefined ? { userId } : {}),
      endpoint,
      timeMillis: now
    })
  }

  /** Checks one event's fields; returns the problem as [status, text] or the parsed event. */
  private checkEvent(
    prefix: string,
    event: Record<string, unknown>,
    channels: ReadonlyArray<unknown>
  ): Answer | { name: string; data: string; channels: ReadonlyArray<string>; socketId?: string; info: Set<string> } {
    const nameError = V.checkEventName(`${prefix}name`, event.name)
    if (nameError !== undefined) return textAnswer(400, nameError.message)
    if (typeof event.data !== "string") return textAnswer(400, `Invalid ${prefix}data: must be a string`)
    for (let i = 0; i < channels.length; i++) {
      const channel = channels[i]
      // `#server-to-user-{id}` (sendToUser) is addressed alone, by `events` or as one event of a batch.
      if (channels.length === 1 && typeof channel === "string" && channel.startsWith(V.serverToUserPrefix)) {
        const userError = V.checkUserId(`${prefix}channels[${i}] user id`, channel.slice(V.serverToUserPrefix.length))
        if (userError !== undefined) return textAnswer(400, userError.message)
        continue
      }
      const error = V.checkChannel(channels.length === 1 ? `${prefix}channel` : `${prefix}channels[${i}]`, channel)
      if (error !== undefined) return textAnswer(400, error.message)
    }
    if (channels.length > 1 && channels.some((c) => V.isEncryptedChannel(c as string))) {
      return textAnswer(400, `Invalid ${prefix}channels: a private-encrypted- channel must be triggered alone`)
    }
    let socketId: string | undefined
    if (event.socket_id !== undefined) {
      const error = V.checkSocketId(`${prefix}socket_id`, event.socket_id)
      if (error !== undefined) return textAnswer(400, error.message)
      socketId = event.socket_id as string
    }
    let info = new Set<string>()
    if (event.info !== undefined) {
      if (typeof event.info !== "string") {
        return textAnswer(400, `Invalid ${prefix}info: must be a comma-separated string`)
      }
      info = new Set(event.info.split(","))
    }
    const bytes = Encoding.utf8Length(event.data)
    if (bytes > this.config.maxPayloadBytes) {
      return textAnswer(
        413,
        `Payload too large: ${prefix}data is ${bytes} bytes, the limit is ${this.config.maxPayloadBytes}`
      )
    }
    return {
      name: event.name as string,
      data: event.data,
      channels: channels as ReadonlyArray<string>,
      ...(socketId !== undefined ? { socketId } : {}),
      info
    }
  }

  private trigger(body: string, now: number): Answer {
    const json = parseJson(body)
    if (!V.isRecord(json)) return textAnswer(400, "The body must be a JSON object")
    let channels: ReadonlyArray<unknown>
    if (json.channels !== undefined) {
      if (!Array.isArray(json.channels)) return textAnswer(400, "Invalid channels: must be an array of channel names")
      channels = json.channels
    } else if (json.channel !== undefined) channels = [json.channel]
    else return textAnswer(400, "Missing channels: name at least one channel")
    if (channels.length === 0) return textAnswer(400, "Invalid channels: must name at least one channel")
    if (channels.length > V.maxChannelsPerTrigger) {
      return textAnswer(
        400,
        `Invalid channels: at most ${V.maxChannelsPerTrigger} channels per event, got ${channels.length}`
      )
    }
    const event = this.checkEvent("", json, channels)
    if ("_tag" in event) return event
    const unique = Array.from(new Set(event.channels))
    for (const channel of unique) this.record("events", channel, event.name, event.data, event.socketId, now)
    if (event.info.size === 0 || unique[0]!.startsWith(V.serverToUserPrefix)) return jsonAnswer({})
    const result: Record<string, Record<string, number>> = {}
    for (const channel of unique) result[channel] = this.attributes(channel, event.info)
    return jsonAnswer({ channels: result })
  }

  private batch(body: string, now: number): Answer {
    const json = parseJson(body)
    if (!V.isRecord(json) || !Array.isArray(json.batch)) {
      return textAnswer(400, "The body must be a JSON object with a batch array")
    }
    const batch: ReadonlyArray<unknown> = json.batch
    if (batch.length === 0) return textAnswer(400, "Invalid batch: must contain at least one event")
    if (batch.length > V.maxEventsPerBatch) {
      return textAnswer(400, `Invalid batch: at most ${V.maxEventsPerBatch} events per batch, got ${batch.length}`)
    }
    const checked = []
    for (let i = 0; i < batch.length; i++) {
      const item = batch[i]
      if (!V.isRecord(item)) return textAnswer(400, `Invalid batch[${i}]: must be an event object`)
      const event = this.checkEvent(`batch[${i}].`, item, [item.channel])
      if ("_tag" in event) return event
      checked.push(event)
    }
    for (const event of checked) {
      this.record("batch_events", event.channels[0]!, event.name, event.data, event.socketId, now)
    }
    if (checked.every((event) => event.info.size === 0)) return jsonAnswer({})
    return jsonAnswer({ batch: checked.map((event) => this.attributes(event.channels[0]!, event.info)) })
  }

  private listChannels(query: ReadonlyMap<string, string>): Answer {
    const prefix = query.get("filter_by_prefix") ?? ""
    const info = new Set((query.get("info") ?? "").split(",").filter((s) => s !== ""))
    if (info.has("user_count") && !prefix.startsWith("presence-")) {
      return textAnswer(400, "info=user_count may only be asked for with filter_by_prefix=presence-")
    }
    const result: Record<string, Record<string, number>> = {}
    for (const [name, state] of this.channels) {
      if (state.sockets.size > 0 && name.startsWith(prefix)) result[name] = this.attributes(name, info)
    }
    return jsonAnswer({ channels: result })
  }

  private channel(name: string, query: ReadonlyMap<string, string>, now: number): Answer {
    const error = V.checkChannel("channel name", name)
    if (error !== undefined) return textAnswer(400, error.message)
    const info = new Set((query.get("info") ?? "").split(",").filter((s) => s !== ""))
    if (info.has("user_count") && !isPresence(name)) {
      return textAnswer(400, "info=user_count may only be asked for on presence- channels")
    }
    const result: Record<string, unknown> = {
      occupied: (this.channels.get(name)?.sockets.size ?? 0) > 0,
      ...this.attributes(name, info)
    }
    if (info.has("cache") && isCacheChannel(name)) {
      const cached = this.cachedEvent(name, now)
      if (cached !== undefined) {
        const ttl = Math.max(0, Math.ceil(this.settings.cacheTtlSeconds - (now - cached.atMillis) / 1000))
        result.cache = { data: cached.data, ttl }
      }
    }
    return jsonAnswer(result)
  }

  private users(name: string): Answer {
    const error = V.checkChannel("channel name", name)
    if (error !== undefined) return textAnswer(400, error.message)
    if (!isPresence(name)) return textAnswer(400, "Users can only be listed for presence- channels")
    const users = Array.from(this.channels.get(name)?.users.keys() ?? [], (id) => ({ id }))
    return jsonAnswer({ users })
  }

  private terminate(userId: string, now: number): Answer {
    const error = V.checkUserId("user id", userId)
    if (error !== undefined) return textAnswer(400, error.message)
    const socketIds: Array<string> = []
    for (const [id, connection] of this.connections) if (connection.userId === userId) socketIds.push(id)
    const hooks: Array<WebhookEvent> = []
    for (const id of socketIds) this.close(id, hooks)
    this.terminations.append({ userId, socketIds, timeMillis: now })
    this.sendWebhook(hooks, now)
    return jsonAnswer({})
  }
}

// ---------------------------------------------------------------------------------------------------------
// Transports
// ---------------------------------------------------------------------------------------------------------

const textDecoder = new TextDecoder()

/**
 * An `HttpClient` that hands each request to the emulator: no sockets, no serialization beyond the body.
 *
 * @internal
 */
export const makeClient = (handle: (request: PusherTest.EmulatorRequest) => Effect.Effect<Answer>) =>
  HttpClient.make((request, url) => {
    let body: string
    if (request.body._tag === "Uint8Array") body = textDecoder.decode(request.body.body)
    else if (request.body._tag === "Empty") body = ""
    else {
      return Effect.fail(
        new HttpClientError.RequestError({
          request,
          reason: "Encode",
          description: `the Pusher emulator reads in-memory bodies only, got a ${request.body._tag} body`
        })
      )
    }
    return Effect.flatMap(
      handle({ method: request.method, url: `${url.pathname}${url.search}`, headers: request.headers, body }),
      (answer) =>
        answer._tag === "Response"
          ? Effect.succeed(
            HttpClientResponse.fromWeb(
              request,
              new Response(answer.body, { status: answer.status, headers: { "content-type": answer.contentType } })
            )
          )
          : Effect.fail(
            new HttpClientError.RequestError({ request, reason: "Transport", description: answer.description })
          )
    )
  })

/** @internal */
export const toHttpApp = (
  handle: (request: PusherTest.EmulatorRequest) => Effect.Effect<Answer>,
  onTransportFault: (
    request: HttpServerRequest.HttpServerRequest
  ) => Effect.Effect<HttpServerResponse.HttpServerResponse>
): HttpApp.Default =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
    request.text.pipe(
      Effect.matchEffect({
        onFailure: () => Effect.succeed(HttpServerResponse.text("Could not read the request body", { status: 400 })),
        onSuccess: (body) =>
          Effect.flatMap(
            handle({ method: request.method, url: request.url, headers: request.headers, body }),
            (answer) =>
              answer._tag === "Response"
                ? Effect.succeed(
                  HttpServerResponse.text(answer.body, { status: answer.status, contentType: answer.contentType })
                )
                : onTransportFault(request)
          )
      })
    ))

/** @internal */
export const makeService = (
  config: PusherConfig.Service,
  crypto: PusherCrypto.Service,
  settings: Settings
): PusherTest.Service => {
  const emulator = new Emulator(config, crypto, settings)
  const handle = (request: PusherTest.EmulatorRequest) => emulator.handle(request)
  return {
    config,
    client: makeClient(handle),
    httpApp: toHttpApp(handle, () => Effect.succeed(HttpServerResponse.empty({ status: 502 }))),
    handle,
    connect: (options) => emulator.connect(options),
    subscribe: (channel, options) => emulator.subscribe(channel, options),
    unsubscribe: (channel, socketId) => emulator.unsubscribe(channel, socketId),
    disconnect: (socketId) => emulator.disconnect(socketId),
    injectClientEvent: (event) => emulator.injectClientEvent(event),
    events: Effect.sync(() => emulator.events.all),
    takeEvent: (filter) => emulator.events.take(matcher(filter)),
    eventStream: emulator.events.stream,
    terminations: Effect.sync(() => emulator.terminations.all),
    webhooks: Effect.sync(() => emulator.webhooks.all),
    takeWebhook: emulator.webhooks.take(() => true),
    webhookStream: emulator.webhooks.stream,
    deliverWebhooks: (handler, options) => emulator.deliverWebhooks(handler, options?.retry),
    failNext: (fault, times) => emulator.failNext(fault, times ?? 1),
    requests: Effect.sync(() => emulator.requests.all),
    reset: Effect.sync(() => emulator.reset())
  }
}
