/**
 * The Channels emulator on 127.0.0.1, to try the examples without a Pusher account: prints the
 * `PUSHER_URL` to give them, then every event they trigger.
 *
 * Run: `PORT=4000 pnpm emulator`
 */
import { PusherTest } from "@effect-pusher/core"
import { NodePusherTest } from "@effect-pusher/platform-node"
import { NodeRuntime } from "@effect/platform-node"
import { Effect, Stream } from "effect"
import { pusherUrl } from "./test/harness.js"

Effect.gen(function*() {
  const served = yield* NodePusherTest.NodePusherTest
  const emulator = yield* PusherTest.PusherTest
  yield* Effect.log(`PUSHER_URL=${pusherUrl(served)}`)
  yield* emulator.eventStream.pipe(
    Stream.runForEach((event) => Effect.log(`${event.channel} ${event.name} ${event.rawData}`))
  )
}).pipe(
  Effect.provide(NodePusherTest.layer({ port: Number(process.env["PORT"] ?? 4000) })),
  NodeRuntime.runMain
)
