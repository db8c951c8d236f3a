/**
 * The served emulator alone in its process, for bench-emulator-sockets (so that its memory is its own):
 * `node --conditions=@effect-pusher/source --import tsx scripts/bench/emulator-server.ts PORT KEY SECRET`.
 * Prints `listening PORT` once it serves; runs until killed.
 */
import * as NodePusherTest from "@effect-pusher/platform-node/NodePusherTest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

const [port = "0", key = "bench-key", secret = "bench-secret"] = process.argv.slice(2)

const main = Effect.gen(function*() {
  const served = yield* NodePusherTest.NodePusherTest
  process.stdout.write(`listening ${served.port}\n`)
  return yield* Effect.never
}).pipe(Effect.provide(Layer.orDie(NodePusherTest.layer({ port: Number(port), appId: "bench", key, secret }))))

Effect.runFork(main)
// Exit (rather than die by the signal) so that a --cpu-prof profile is written.
process.once("SIGINT", () => process.exit(0))
