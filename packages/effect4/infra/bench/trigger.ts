// The trigger rounds of the Effect 4 line for `pnpm bench` (scripts/bench.ts), each in its own process, measured
// by scripts/bench-round.ts as the Effect 3 line's are (scripts/bench-trigger.ts), with the same clients: the
// lean client of `NodePusher.layer`, `@effect/platform-node`'s `NodeHttpClient.layerUndici`, and batching.
// It lives in packages/effect4 so that `effect` resolves to 4.1 (see check.ts); it runs on Node 22, which
// `@effect/platform-node` 4.1 needs.
import { Pusher, PusherBatching } from "@effect-pusher/core"
import { NodePusher } from "@effect-pusher/platform-node"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { channel, event, ourOptions, payload, type Run, serveRound } from "../../../../scripts/bench-round.js"
import { checkEffect4 } from "./check.js"

const checked = checkEffect4()
if ("problem" in checked) {
  console.error(`bench (Effect 4 line): ${checked.problem}`)
  process.exit(1)
}

const effect = (layer: Layer.Layer<NodePusher.Services, unknown>): Run => {
  const runtime = ManagedRuntime.make(layer)
  return (count, concurrency) =>
    runtime.runPromise(
      Effect.forEach(
        Array.from({ length: count }, (_, i) => i),
        (i) => Pusher.trigger(channel, event, payload(i)),
        { concurrency, discard: true }
      )
    )
}

/** The Effect 4 clients; their names are bench.ts's Effect 4 rows. */
export const variants = {
  "effect-pusher (Effect 4)": {
    make: (port: number) => effect(NodePusher.layer(ourOptions(port))),
    effect: checked.effect
  },
  "effect-pusher (Effect 4) over NodeHttpClient.layerUndici": {
    make: (port: number) =>
      effect(Layer.merge(NodePusher.layerWithoutHttpClient(ourOptions(port)), NodeHttpClient.layerUndici)),
    effect: checked.effect
  },
  "effect-pusher (Effect 4), batching on": {
    make: (port: number) => effect(PusherBatching.layer().pipe(Layer.provideMerge(NodePusher.layer(ourOptions(port))))),
    effect: checked.effect
  }
}

serveRound(variants)
