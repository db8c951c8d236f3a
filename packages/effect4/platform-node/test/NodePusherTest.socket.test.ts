/**
 * Real pusher-js 8.6.0 clients connected to the served emulator over the Channels WebSocket protocol,
 * authorized by the official `pusher@5.3.4` (the oracle of the signatures), mixed with simulated clients.
 */
import { PusherTest } from "@effect-pusher/core"
import { NodePusherTest } from "@effect-pusher/platform-node"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import { createRequire } from "node:module"
import * as Net from "node:net"
import PusherNode from "pusher"
import type * as PusherJsModule from "pusher-js"
import type { Channel } from "pusher-js"

const PusherJs: typeof PusherJsModule.default = createRequire(import.meta.url)("pusher-js")

// `ws` (what @effect/platform-node serves with) as a raw client that answers nothing on its own.
const RawSocket: new(url: string) => {
  on: (event: string, f: (a: unknown, b?: unknown) => void) => void
  send: (data: string) => void
  terminate: () => void
} = createRequire(createRequire(import.meta.url).resolve("@effect/platform-node"))("ws")

/** Opens a raw socket and collects its frames and its close code, until it closes (bounded). */
const rawSession = (url: string, answerPings = false) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const frames: Array<{ readonly event: string; readonly data: unknown }> = []
      let closed: number | undefined
      const socket = new RawSocket(url)
      socket.on("message", (raw) => {
        const frame = JSON.parse(String(raw))
        frames.push(frame)
        // At once: a pong within the millisecond of the ping must count as one.
        if (answerPings && frame.event === "pusher:ping") {
          socket.send(JSON.stringify({ event: "pusher:pong", data: {} }))
        }
      })
      socket.on("close", (code) => {
        closed = Number(code)
      })
      return { frames, closed: () => closed, socket }
    }),
    ({ socket }) => Effect.sync(() => socket.terminate())
  )
type PusherJs = PusherJsModule.default

/**
 * A hand-rolled WebSocket client that announces one text message of `bytes` and streams it in 1 MiB chunks
 * (zero mask, so the payload is sent as is), holding no more than one chunk; it stops when the server
 * closes. Answers the close code the server sent (undefined if none) and the bytes it managed to write.
 */
const streamHugeMessage = (port: number, key: string, bytes: number) =>
  Effect.promise(() =>
    new Promise<{ readonly closeCode: number | undefined; readonly written: number }>((resolve) => {
      const socket = Net.connect(port, "127.0.0.1")
      let upgraded = false
      let closeCode: number | undefined
      let written = 0
      let buffered = Buffer.alloc(0)
      const finish = () => {
        socket.destroy()
        resolve({ closeCode, written })
      }
      socket.on("error", finish)
      socket.on("close", finish)
      socket.on("data", (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk])
        if (!upgraded) {
          const end = buffered.indexOf("\r\n\r\n")
          if (end < 0) return
          upgraded = true
          buffered = buffered.subarray(end + 4)
          void send()
        }
        // Server frames: skip text frames (connection_established), stop at the close frame (0x88).
        while (buffered.length >= 2) {
          const length = buffered[1]! & 0x7f
          const header = length === 126 ? 4 : 2
          const size = length === 126 ? buffered.readUInt16BE(2) : length
          if (buffered.length < header + size) return
          if (buffered[0] === 0x88) {
            closeCode = buffered.readUInt16BE(header)
            return finish()
          }
          buffered = buffered.subarray(header + size)
        }
      })
      const chunk = Buffer.alloc(1 << 20, 0x20)
      const send = async () => {
        const header = Buffer.alloc(14)
        header[0] = 0x81 // FIN, text
        header[1] = 0x80 | 127 // masked, 64-bit length
        header.writeBigUInt64BE(BigInt(bytes), 2) // the mask key (4 zero bytes) follows
        socket.write(header)
        while (written < bytes && !socket.destroyed && closeCode === undefined) {
          written += chunk.length
          if (!socket.write(chunk)) {
            await new Promise<void>((drained) => {
              socket.once("drain", drained)
              socket.once("close", drained)
            })
          }
        }
      }
      socket.write(
        `GET /app/${key}?protocol=7 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${Buffer.alloc(16, 1).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`
      )
    })
  )

/** Polls until `read` answers, at most `ms` (a bound on waiting, not an assertion on time). */
const waitFor = <A>(what: string, read: () => A | undefined, ms = 10_000): Effect.Effect<A> =>
  Effect.promise(() =>
    new Promise<A>((resolve, reject) => {
      const deadline = Date.now() + ms
      const poll = () => {
        const value = read()
        if (value !== undefined) resolve(value)
        else if (Date.now() > deadline) reject(new Error(`timed out waiting for ${what}`))
        else setTimeout(poll, 10)
      }
      poll()
    })
  )

interface Client {
  readonly pusher: PusherJs
  readonly socketId: string
  readonly subscribe: (name: string) => Effect.Effect<Channel>
  readonly record: (channel: Channel, event: string) => Array<unknown>
}

const connect = (
  served: NodePusherTest.Served,
  user?: { readonly id: string; readonly info?: Record<string, unknown> }
): Effect.Effect<Client, never, Scope.Scope> =>
  Effect.gen(function*() {
    const official = new PusherNode({ ...served.pusherOptions })
    const pusher = yield* Effect.acquireRelease(
      Effect.sync(() =>
        new PusherJs(served.pusherOptions.key, {
          cluster: "mt1",
          wsHost: served.hostname,
          wsPort: served.port,
          forceTLS: false,
          enabledTransports: ["ws"],
          channelAuthorization: {
            endpoint: "unused",
            transport: "ajax",
            customHandler: ({ channelName, socketId }, callback) => {
              const presence = user === undefined ? undefined : { user_id: user.id, user_info: user.info ?? {} }
              callback(null, official.authorizeChannel(socketId, channelName, presence))
            }
          },
          userAuthentication: {
            endpoint: "unused",
            transport: "ajax",
            customHandler: ({ socketId }, callback) => {
              callback(null, official.authenticateUser(socketId, { id: user?.id ?? "anonymous" }))
            }
          }
        })
      ),
      (pusher) => Effect.sync(() => pusher.disconnect())
    )
    const socketId = yield* waitFor(
      "the connection",
      () => (pusher.connection.state === "connected" ? pusher.connection.socket_id : undefined)
    )
    const subscribe = (name: string) =>
      Effect.suspend(() => {
        let done = false
        const channel = pusher.subscribe(name)
        channel.bind("pusher:subscription_succeeded", () => {
          done = true
        })
        return waitFor(`the subscription to ${name}`, () => (done ? channel : undefined))
      })
    const record = (channel: Channel, event: string) => {
      const events: Array<unknown> = []
      channel.bind(event, (data: unknown) => {
        events.push(data)
      })
      return events
    }
    return { pusher, socketId, subscribe, record }
  })

describe("NodePusherTest WebSocket", () => {
  it.live("pusher-js subscribes, receives triggers, and shares presence with simulated clients", () =>
    Effect.gen(function*() {
      const emulator = yield* PusherTest.PusherTest
      const served = yield* NodePusherTest.serve()
      const official = new PusherNode({ ...served.pusherOptions })
      const ann = yield* connect(served, { id: "ann", info: { name: "Ann" } })
      const news = yield* ann.subscribe("news")
      const got = ann.record(news, "headline")
      yield* Effect.promise(() => official.trigger("news", "headline", { n: 1 }))
      yield* Effect.promise(() => official.trigger("news", "headline", { n: 2 }, { socket_id: ann.socketId }))
      yield* Effect.promise(() => official.trigger("news", "headline", { n: 3 }))
      expect(yield* waitFor("two headlines", () => (got.length >= 2 ? got : undefined))).toEqual([{ n: 1 }, { n: 3 }])

      // A simulated member is seen by the real client, and the real member by the emulator.
      const bob = yield* emulator.subscribe("presence-room", { user: { id: "bob", info: { name: "Bob" } } })
      const room = yield* ann.subscribe("presence-room")
      const members = () => {
        const ids: Array<string> = []
        ;(room as unknown as { members: { each: (f: (m: { id: string }) => void) => void } }).members.each((m) => {
          ids.push(m.id)
        })
        return ids.sort()
      }
      expect(members()).toEqual(["ann", "bob"])
      const users = yield* Effect.promise(() => official.get({ path: "/channels/presence-room/users" }))
      expect(yield* Effect.promise(() => users.json())).toEqual({ users: [{ id: "bob" }, { id: "ann" }] })
      yield* emulator.disconnect(bob)
      yield* waitFor("bob to leave", () => (members().length === 1 ? true : undefined))
      expect(members()).toEqual(["ann"])

      // Client events reach the other subscribers (not the sender) and are recorded as webhooks.
      const carl = yield* connect(served, { id: "carl" })
      const carlRoom = yield* carl.subscribe("presence-room")
      const typing = ann.record(room, "client-typing")
      carlRoom.trigger("client-typing", { on: true })
      expect(yield* waitFor("the client event", () => (typing.length > 0 ? typing : undefined))).toEqual([{ on: true }])
    }).pipe(Effect.provide(PusherTest.layer())))

  it.live("signin, sendToUser and terminateUserConnections reach real sockets", () =>
    Effect.gen(function*() {
      const served = yield* NodePusherTest.serve()
      const official = new PusherNode({ ...served.pusherOptions })
      const dana = yield* connect(served, { id: "dana" })
      let signedIn = false
      dana.pusher.bind("pusher:signin_success", () => {
        signedIn = true
      })
      dana.pusher.signin()
      yield* waitFor("the sign-in", () => (signedIn ? true : undefined))
      const notices: Array<unknown> = []
      dana.pusher.user.bind("notice", (data: unknown) => {
        notices.push(data)
      })
      yield* waitFor("the user channel", () => (dana.pusher.user.serverToUserChannel?.subscribed ? true : undefined))
      yield* Effect.promise(() => official.sendToUser("dana", "notice", { text: "hi" }))
      expect(yield* waitFor("the notice", () => (notices.length > 0 ? notices : undefined))).toEqual([{ text: "hi" }])
      yield* Effect.promise(() => official.terminateUserConnections("dana"))
      yield* waitFor("the termination", () => (dana.pusher.connection.state !== "connected" ? true : undefined))
    }).pipe(Effect.provide(PusherTest.layer())))

  it.live("a wrong key gets pusher:error 4001 and the close code 4001", () =>
    Effect.gen(function*() {
      const served = yield* NodePusherTest.serve()
      const session = yield* rawSession(`ws://127.0.0.1:${served.port}/app/wrong-key?protocol=7`)
      const code = yield* waitFor("the close", session.closed)
      expect(code).toBe(4001)
      expect(session.frames[0]).toMatchObject({ event: "pusher:error", data: { code: 4001 } })
    }).pipe(Effect.provide(PusherTest.layer())))

  it.live("a socket that does not answer the server's ping is closed with 4201", () =>
    Effect.gen(function*() {
      const served = yield* NodePusherTest.serve()
      const session = yield* rawSession(`ws://127.0.0.1:${served.port}/app/${served.pusherOptions.key}?protocol=7`)
      const code = yield* waitFor("the close", session.closed)
      expect(code).toBe(4201)
      expect(session.frames.map((frame) => frame.event)).toEqual([
        "pusher:connection_established",
        "pusher:ping",
        "pusher:error"
      ])
    }).pipe(Effect.provide(PusherTest.layer({ activityTimeoutSeconds: 1, pongTimeoutSeconds: 1 }))))

  it.live("a socket that answers every ping at once stays open", () =>
    Effect.gen(function*() {
      const served = yield* NodePusherTest.serve()
      const session = yield* rawSession(
        `ws://127.0.0.1:${served.port}/app/${served.pusherOptions.key}?protocol=7`,
        true
      )
      const pings = () => session.frames.filter((frame) => frame.event === "pusher:ping").length
      yield* waitFor("three pings answered", () => (pings() >= 3 ? true : undefined))
      expect(session.closed()).toBeUndefined()
      expect(session.frames.map((frame) => frame.event)).not.toContain("pusher:error")
    }).pipe(Effect.provide(PusherTest.layer({ activityTimeoutSeconds: 1, pongTimeoutSeconds: 1 }))))
  it.live("the server closes with a socket open: the socket gets 4100 and the server does not wait for it", () =>
    Effect.gen(function*() {
      const server = yield* Scope.make()
      const served = yield* Effect.provide(NodePusherTest.serve(), PusherTest.layer()).pipe(Scope.provide(server))
      // The client stays: only the server's scope closes.
      const session = yield* rawSession(`ws://127.0.0.1:${served.port}/app/${served.pusherOptions.key}?protocol=7`)
      yield* waitFor("connection_established", () => (session.frames.length > 0 ? true : undefined))
      const started = Date.now()
      yield* Scope.close(server, Exit.void)
      expect(Date.now() - started).toBeLessThan(5_000)
      expect(yield* waitFor("the close", session.closed)).toBe(4100)
    }))

  it.live("a 100 MB message is refused from its header (1009), not read: memory stays within 32 MB", () =>
    Effect.gen(function*() {
      const served = yield* NodePusherTest.serve()
      const used = () => {
        const memory = process.memoryUsage()
        return memory.heapUsed + memory.arrayBuffers
      }
      const before = used()
      let peak = before
      const sampler = setInterval(() => {
        peak = Math.max(peak, used())
      }, 5)
      const outcome = yield* streamHugeMessage(served.port, served.pusherOptions.key, 100 * 1024 * 1024).pipe(
        Effect.ensuring(Effect.sync(() => clearInterval(sampler)))
      )
      peak = Math.max(peak, used())
      // RFC 6455 1009: message too big. The server stopped reading long before the 100 MB were sent.
      expect(outcome.closeCode).toBe(1009)
      expect(outcome.written).toBeLessThan(100 * 1024 * 1024)
      expect((peak - before) / 1_048_576).toBeLessThan(32)
      // The server still serves.
      const session = yield* rawSession(`ws://127.0.0.1:${served.port}/app/${served.pusherOptions.key}?protocol=7`)
      yield* waitFor("connection_established", () => (session.frames.length > 0 ? true : undefined))
      expect(session.frames[0]?.event).toBe("pusher:connection_established")
    }).pipe(Effect.provide(PusherTest.layer())))
})
