// The in-process rows of `pnpm bench` for the Effect 4 line (authorizeChannel private and presence, webhook
// verify + decode): the Effect 3 line's cases and method (scripts/bench-pure.ts), against pusher@5.3.4 in this
// same process, through `NodePusher.layerWithoutHttpClient` as there. Started by scripts/bench.ts on Node 22
// with the number of rounds as argument; sends the measurements back over IPC. In packages/effect4 so that
// `effect` resolves to 4.1 (see check.ts).
import { Pusher, Webhook } from "@effect-pusher/core"
import { NodePusher } from "@effect-pusher/platform-node"
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import {
  options,
  presence,
  pureCases,
  runPureCases,
  socketId,
  webhookBody,
  webhookHeaders
} from "../../../../scripts/bench-pure.js"
import { checkEffect4 } from "./check.js"

const checked = checkEffect4()
if ("problem" in checked) {
  console.error(`bench (Effect 4 line): ${checked.problem}`)
  process.exit(1)
}

/** Runs `op` n times inside one Effect program, as scripts/lib/measure.ts's `loop` on the Effect 3 line. */
const loop = <A, E, R>(n: number, op: () => Effect.Effect<A, E, R>): Effect.Effect<void, E, R> =>
  Effect.suspend(() => {
    let i = 0
    return Effect.whileLoop({ while: () => i++ < n, body: op, step: () => {} })
  })

const main = async (rounds: number) => {
  const runtime = ManagedRuntime.make(NodePusher.layerWithoutHttpClient(options))
  const cases = pureCases({
    authorizePrivate: (n) => runtime.runPromise(loop(n, () => Pusher.authorizeChannel(socketId, "private-orders"))),
    authorizePresence: (n) =>
      runtime.runPromise(loop(n, () => Pusher.authorizeChannel(socketId, "presence-lobby", presence))),
    verifyWebhook: (n) =>
      runtime.runPromise(loop(n, () => Webhook.verify({ headers: webhookHeaders, body: webhookBody })))
  })
  const results = await runPureCases(cases, rounds)
  await runtime.dispose()
  return { node: process.version, effect: checked.effect, results }
}

if (process.send !== undefined && process.argv[2] !== undefined) {
  main(Number(process.argv[2])).then(
    (pure) => process.send!({ type: "pure", pure }, () => process.exit(0)),
    (error) => {
      console.error(error)
      process.exit(1)
    }
  )
}
