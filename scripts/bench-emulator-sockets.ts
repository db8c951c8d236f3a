/**
 * N real WebSockets (the `ws` client) on one channel of the served emulator: how long the N subscriptions
 * take (each one a transition of EmulatorState, which copies the channel's maps), then E events triggered
 * through the REST API and received by every socket, in order. Prints ranges over runs, not a race.
 * `pnpm bench:emulator [sockets] [events]`
 */
import { PusherTest } from "@effect-pusher/core"
import { NodePusherTest } from "@effect-pusher/platform-node"
import * as Effect from "effect/Effect"
import * as NodeCrypto from "node:crypto"
import { createRequire } from "node:module"
import PusherNode from "pusher"

// `ws` is the WebSocket library @effect/platform-node serves with; used here as the client.
const requireFromPlatform = createRequire(createRequire(import.meta.url).resolve("@effect/platform-node"))
const WebSocket: new(url: string) => {
  on: (event: string, f: (data: unknown) => void) => void
  send: (data: string) => void
  close: () => void
} = requireFromPlatform("ws")

const sockets = Number(process.argv[2] ?? 1000)
const events = Number(process.argv[3] ?? 100)

const run = Effect.gen(function*() {
  const served = yield* NodePusherTest.serve()
  const official = new PusherNode({ ...served.pusherOptions })
  const url = `ws://127.0.0.1:${served.port}/app/${served.pusherOptions.key}?protocol=7&client=bench&version=1`
  const received: Array<Array<number>> = []
  const start = performance.now()
  const clients = yield* Effect.promise(() =>
    Promise.all(Array.from({ length: sockets }, (_, i) =>
      new Promise<{ close: () => void }>((resolve) => {
        const ws = new WebSocket(url)
        received[i] = []
        ws.on("message", (raw) => {
          const frame = JSON.parse(String(raw))
          if (frame.event === "pusher:connection_established") {
            ws.send(JSON.stringify({ event: "pusher:subscribe", data: { channel: "bench" } }))
          } else if (frame.event === "pusher_internal:subscription_succeeded") resolve(ws)
          else if (frame.event === "tick") received[i]!.push(JSON.parse(frame.data).n)
        })
      })))
  )
  const subscribed = performance.now() - start
  const sent = performance.now()
  for (let n = 0; n < events; n++) yield* Effect.promise(() => official.trigger("bench", "tick", { n }))
  yield* Effect.promise(() =>
    new Promise<void>((resolve) => {
      const poll = () => (received.every((r) => r.length >= events) ? resolve() : setTimeout(poll, 5))
      poll()
    })
  )
  const delivered = performance.now() - sent
  const inOrder = received.every((r) => r.every((n, i) => n === i))
  const memory = process.memoryUsage().heapUsed / 1_048_576
  for (const client of clients) client.close()
  return { subscribed, delivered, inOrder, memory }
}).pipe(Effect.scoped, Effect.provide(PusherTest.layer({ secret: NodeCrypto.randomBytes(8).toString("hex") })))

const results: Array<{ subscribed: number; delivered: number; inOrder: boolean; memory: number }> = []
for (let i = 0; i < 3; i++) results.push(await Effect.runPromise(run))
const range = (values: ReadonlyArray<number>, digits = 0) =>
  `${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)}`
console.log(`${sockets} sockets subscribe to one channel: ${range(results.map((r) => r.subscribed))} ms`)
console.log(
  `${events} REST triggers to all ${sockets}: ${range(results.map((r) => r.delivered))} ms, ` +
    `${range(results.map((r) => (events * sockets) / (r.delivered / 1000)))} deliveries/s, ` +
    `in order: ${results.every((r) => r.inOrder)}, heap ${range(results.map((r) => r.memory))} MB`
)
