import { PusherTest } from "@effect-pusher/core"
import { NodePusherTest } from "@effect-pusher/platform-node"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import * as Http from "node:http"
import PusherNode from "pusher"

const secret = "console-test-secret"

// The feed's JSON, as the page reads it.
interface Listed<A> {
  readonly total: number
  readonly shown: ReadonlyArray<A>
}
interface ChannelView {
  readonly name: string
  readonly subscribers: Listed<string>
  readonly members?: Listed<{ readonly id: string; readonly info?: { readonly text: string } }>
}
interface StateView {
  readonly connections: Listed<{ readonly socketId: string; readonly real: boolean; readonly channels: number }>
  readonly channels: Listed<ChannelView>
}
interface Entry {
  readonly kind: string
  readonly [field: string]: unknown
}
type Message =
  | {
    readonly event: "snapshot"
    readonly data: { readonly app: unknown; readonly state: StateView; readonly log: ReadonlyArray<Entry> }
  }
  | { readonly event: "state"; readonly data: StateView }
  | { readonly event: "log"; readonly data: Entry }

/** A Server-Sent Events client over node:http: the messages so far, and a wait for the next one that matches. */
class Feed {
  readonly messages: Array<Message> = []
  readonly comments: Array<string> = []
  ended = false
  private buffer = ""
  private readonly waiters = new Set<() => void>()

  constructor(readonly request: Http.ClientRequest, readonly response: Http.IncomingMessage) {
    response.setEncoding("utf8")
    response.on("data", (chunk: string) => {
      this.buffer += chunk
      let end: number
      while ((end = this.buffer.indexOf("\n\n")) !== -1) {
        const block = this.buffer.slice(0, end)
        this.buffer = this.buffer.slice(end + 2)
        let event = ""
        const data: Array<string> = []
        for (const line of block.split("\n")) {
          if (line.startsWith(":")) this.comments.push(line)
          else if (line.startsWith("event: ")) event = line.slice(7)
          else if (line.startsWith("data: ")) data.push(line.slice(6))
          else throw new Error(`unexpected line in the feed: ${line}`)
        }
        if (data.length > 1) throw new Error("one data line per message")
        if (data.length === 1) this.messages.push({ event, data: JSON.parse(data[0]!) } as Message)
      }
      this.wake()
    })
    response.on("close", () => {
      this.ended = true
      this.wake()
    })
  }

  private wake() {
    for (const waiter of Array.from(this.waiters)) waiter()
  }

  /** The first message from `from` on that matches, waiting (at most 10 s) for it. */
  find(predicate: (message: Message) => boolean, from = 0): Effect.Effect<Message> {
    return Effect.callback<Message>((resume) => {
      const check = () => {
        const found = this.messages.slice(from).find(predicate)
        if (found !== undefined) {
          this.waiters.delete(check)
          resume(Effect.succeed(found))
        } else if (this.ended) {
          this.waiters.delete(check)
          resume(Effect.die(new Error("the feed ended")))
        }
      }
      this.waiters.add(check)
      check()
      return Effect.sync(() => this.waiters.delete(check))
    }).pipe(
      Effect.timeoutOrElse({ duration: "10 seconds", orElse: () => Effect.fail(new Error("no such message")) }),
      Effect.orDie
    )
  }

  /** Waits (at most 10 s) for the server to end the feed. */
  get end(): Effect.Effect<void> {
    return Effect.callback<void>((resume) => {
      const check = () => {
        if (!this.ended) return
        this.waiters.delete(check)
        resume(Effect.void)
      }
      this.waiters.add(check)
      check()
      return Effect.sync(() => this.waiters.delete(check))
    }).pipe(
      Effect.timeoutOrElse({ duration: "10 seconds", orElse: () => Effect.fail(new Error("the feed did not end")) }),
      Effect.orDie
    )
  }

  close() {
    this.request.destroy()
  }
}

const open = (url: string): Effect.Effect<Feed, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.callback<Feed>((resume) => {
      const request = Http.get(url, (response) => resume(Effect.succeed(new Feed(request, response))))
      request.on("error", (error) => resume(Effect.die(error)))
    }),
    (feed) => Effect.sync(() => feed.close())
  )

const get = (url: string, method = "GET") =>
  Effect.promise(async () => {
    const response = await fetch(url, { method })
    return { status: response.status, headers: response.headers, body: await response.text() }
  })

const isLog = (kind: string, has: (entry: Entry) => boolean) => (message: Message) =>
  message.event === "log" && message.data.kind === kind && has(message.data)

const stateWith = (has: (state: StateView) => boolean) => (message: Message) =>
  message.event === "state" ? has(message.data) : message.event === "snapshot" && has(message.data.state)

const channel = (state: StateView, name: string) => state.channels.shown.find((c) => c.name === name)

const webhookWith = (name: string) => (entry: Entry) =>
  (entry.events as ReadonlyArray<{ readonly name: string }>).some((event) => event.name === name)

const snapshotOf = (message: Message) => {
  if (message.event !== "snapshot") throw new Error(`expected a snapshot first, got ${message.event}`)
  return message.data
}

describe("NodePusherTest debug console", () => {
  it.live("serves the page at / with a policy that runs only its own files", () =>
    Effect.gen(function*() {
      const served = yield* NodePusherTest.serve()
      const page = yield* get(`${served.url}/`)
      expect(page.status).toBe(200)
      expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8")
      expect(page.headers.get("content-security-policy")).toContain("script-src 'self'")
      expect(page.headers.get("content-security-policy")).toContain("default-src 'none'")
      expect(page.body).toContain(`<script src="/_console/console.js"`)
      const script = yield* get(`${served.url}/_console/console.js`)
      expect([script.status, script.headers.get("content-type")]).toEqual([200, "text/javascript; charset=utf-8"])
      // Values are put on the page as text only.
      expect(script.body).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/)
      expect((yield* get(`${served.url}/_console/console.css`)).status).toBe(200)
      expect((yield* get(`${served.url}/_console/other`)).status).toBe(404)
      expect((yield* get(`${served.url}/`, "POST")).status).toBe(405)
      // The REST API is where it was: an unsigned request is refused by the emulator, not the console.
      const rest = yield* get(`${served.url}/apps/123456/channels`)
      expect(rest.status).toBe(401)
      expect((yield* (yield* PusherTest.PusherTest).requests).map((r) => r.path)).toEqual(["/apps/123456/channels"])
    }).pipe(Effect.provide(PusherTest.layer({ secret }))))

  it.live("feeds a snapshot, then state views and log entries, never the secret", () =>
    Effect.gen(function*() {
      const emulator = yield* PusherTest.PusherTest
      const served = yield* NodePusherTest.serve()
      const pusher = new PusherNode({ ...served.pusherOptions })
      // Before the console opens: in the snapshot's log and state.
      yield* Effect.promise(() => pusher.trigger("news", "early", { n: 1 }))
      const watcher = yield* emulator.subscribe("news")

      const feed = yield* open(`${served.url}/_console/events`)
      expect(feed.response.headers["content-type"]).toBe("text/event-stream; charset=utf-8")
      const snapshot = snapshotOf(yield* feed.find(() => true))
      expect(snapshot.app).toEqual({ appId: "123456", key: "test-key" })
      // The call, its event, then the webhook of the subscription (channel_occupied).
      expect(snapshot.log.map((entry) => entry.kind)).toEqual(["request", "event", "webhook"])
      expect(snapshot.log[1]).toMatchObject({ channel: "news", name: "early", data: { text: "{\"n\":1}" } })
      expect(snapshot.log[2]).toMatchObject({ events: [{ name: "channel_occupied", channel: "news" }] })
      expect(snapshot.state.connections).toEqual({ total: 1, shown: [{ socketId: watcher, real: false, channels: 1 }] })
      expect(channel(snapshot.state, "news")).toEqual({ name: "news", subscribers: { total: 1, shown: [watcher] } })

      // A trigger: the call, then the event with its recipients; markup in the data travels as data.
      const data = { html: "<img src=x onerror=alert(1)>\n</script>" }
      yield* Effect.promise(() => pusher.trigger("news", "later", data))
      const request = yield* feed.find(isLog("request", (r) => r.path === "/apps/123456/events"))
      // The signature parameters are left out of the query shown.
      expect(request.data).toMatchObject({ method: "POST", status: 200, query: [] })
      const event = yield* feed.find(isLog("event", (e) => e.name === "later"))
      expect(event.data).toMatchObject({ channel: "news", recipients: 1, data: { text: JSON.stringify(data) } })

      // A presence member appears, then leaves; the webhooks report it.
      const member = yield* emulator.subscribe("presence-room", { user: { id: "ann", info: { name: "<b>Ann</b>" } } })
      yield* feed.find(stateWith((state) =>
        channel(state, "presence-room")?.members?.shown[0]?.id === "ann" &&
        channel(state, "presence-room")?.members?.shown[0]?.info?.text === "{\"name\":\"<b>Ann</b>\"}"
      ))
      yield* feed.find(isLog("webhook", webhookWith("member_added")))
      yield* emulator.injectClientEvent({
        channel: "presence-room",
        event: "client-typing",
        data: { t: 1 },
        socketId: member
      })
      const client = yield* feed.find(isLog("client", (c) => c.event === "client-typing"))
      expect(client.data).toMatchObject({ channel: "presence-room", socketId: member, userId: "ann" })
      yield* emulator.unsubscribe("presence-room", member)
      const left = feed.messages.length
      yield* feed.find(stateWith((state) => channel(state, "presence-room") === undefined), left)
      yield* feed.find(isLog("webhook", webhookWith("member_removed")))

      expect(JSON.stringify(feed.messages)).not.toContain(secret)
    }).pipe(Effect.provide(PusherTest.layer({ secret }))))

  it.live("a new console after reset starts from the empty app", () =>
    Effect.gen(function*() {
      const emulator = yield* PusherTest.PusherTest
      const served = yield* NodePusherTest.serve()
      yield* emulator.subscribe("news")
      const feed = yield* open(`${served.url}/_console/events`)
      yield* emulator.reset
      yield* feed.find(stateWith((state) => state.connections.total === 0 && state.channels.total === 0))
      const again = yield* open(`${served.url}/_console/events`)
      const snapshot = snapshotOf(yield* again.find(() => true))
      expect([snapshot.state.connections.total, snapshot.log]).toEqual([0, []])
    }).pipe(Effect.provide(PusherTest.layer())))

  it.live("the server closes with a console open, and the console's feed ends", () =>
    Effect.gen(function*() {
      const server = yield* Scope.make()
      const served = yield* Effect.provide(NodePusherTest.serve(), PusherTest.layer()).pipe(Scope.provide(server))
      // The client stays: only the server's scope closes.
      const feed = yield* open(`${served.url}/_console/events`)
      yield* feed.find(() => true)
      yield* Scope.close(server, Exit.void).pipe(
        Effect.timeoutOrElse({
          duration: "10 seconds",
          orElse: () => Effect.fail(new Error("the server did not close"))
        })
      )
      yield* feed.end
    }))
})
