/**
 * The trigger rounds of pusher@5.3.4 and the Effect 3 line, each in its own process (see bench-round.ts, which
 * measures). Started by bench.ts with the settings as argument: on this Node, and for the
 * "pusher@5.3.4 (Node 22)" row on the Node 22 that the Effect 4 line's rounds run on.
 */
import { Pusher, PusherBatching } from "@effect-pusher/core"
import { NodePusher } from "@effect-pusher/platform-node"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import {
  channel,
  effectVersionFrom,
  event,
  official,
  ourOptions,
  payload,
  type Run,
  serveRound
} from "./bench-round.js"

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

const effectVersion = effectVersionFrom(import.meta.url)

/**
 * The clients compared. A new row is one more entry here and in bench.ts's `triggerVariants` list (for example
 * "effect-pusher + batching", with the batching layer provided over `NodePusher.layer`).
 */
export const variants = {
  "pusher@5.3.4": { make: official, effect: undefined },
  "effect-pusher": { make: (port: number) => effect(NodePusher.layer(ourOptions(port))), effect: effectVersion },
  // The stock client of @effect/platform-node in place of the lean one: what the lean client is worth.
  "effect-pusher over NodeHttpClient.layerUndici": {
    make: (port: number) =>
      effect(Layer.merge(NodePusher.layerWithoutHttpClient(ourOptions(port)), NodeHttpClient.layerUndici)),
    effect: effectVersion
  },
  "effect-pusher, batching on": {
    make: (port: number) => effect(PusherBatching.layer().pipe(Layer.provideMerge(NodePusher.layer(ourOptions(port))))),
    effect: effectVersion
  }
}

serveRound(variants)
