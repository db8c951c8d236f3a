/**
 * What a person sees when a program run with `NodeRuntime.runMain` fails: runMain logs the failure's cause
 * with the default logger (`Effect.logError(cause)`, see effect's `Runtime.makeRunMain`). The same report is
 * produced here in-process, with the console captured, for the typical mistakes: a wrong secret, an
 * unreachable host (with the lean client and with fetch), an invalid channel name and a payload over the limit.
 */
import { Pusher, PusherTest } from "@effect-pusher/core"
import { NodePusher, NodePusherTest } from "@effect-pusher/platform-node"
import { describe, expect, it } from "@effect/vitest"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import * as Net from "node:net"

const secret = "the-real-secret-NEVER-shown"
const wrongSecret = "a-wrong-secret-NEVER-shown"

/** The lines runMain prints for `effect`'s failure. */
const report = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const lines: Array<string> = []
    const capture = (...args: ReadonlyArray<unknown>) => {
      lines.push(...args.map(String).join(" ").split("\n"))
    }
    const current = yield* Console.consoleWith(Effect.succeed)
    const console: Console.Console = { ...current, log: capture, error: capture, group: () => {}, groupEnd: () => {} }
    yield* effect.pipe(
      Effect.tapCause((cause) => Effect.logError(cause)),
      Effect.exit,
      Effect.provideService(Console.Console, console)
    )
    return lines.filter((line) => line.trim() !== "")
  })

const expectReadable = (lines: ReadonlyArray<string>, says: RegExp) => {
  const text = lines.join("\n")
  // the timestamped ERROR header, then the error's own message line: no stack, no cause dump
  expect(lines.length, text).toBeLessThanOrEqual(2)
  expect(lines[0], text).toMatch(/ERROR/)
  expect(text).toMatch(says)
  expect(text).not.toMatch(/^\s+at |auth_signature|auth_key=|[0-9a-f]{64}|NEVER-shown/m)
}

describe("a failure as NodeRuntime.runMain prints it", () => {
  it.live("a wrong secret: the 401 in one line that says to check the secret, without the signature", () =>
    Effect.gen(function*() {
      const emulator = yield* PusherTest.make({ secret })
      const served = yield* NodePusherTest.serveService(emulator)
      const lines = yield* report(
        Pusher.trigger("orders", "created", { id: 42 }).pipe(
          Effect.provide(NodePusher.layer({ ...served.config, secret: wrongSecret }))
        )
      )
      expectReadable(
        lines,
        /HttpError: POST \/events failed with 401 \(Unauthorized\): Invalid signature\. .*PUSHER_SECRET/
      )
    }))

  // A port just freed on 127.0.0.1: nothing listens there, so the connection is refused at once.
  const unreachable = Effect.callback<{ appId: string; key: string; secret: string; host: string; useTLS: false }>(
    (resume) => {
      const server = Net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as Net.AddressInfo
        server.close(() =>
          resume(Effect.succeed({ appId: "1", key: "k", secret, host: `127.0.0.1:${port}`, useTLS: false }))
        )
      })
    }
  )

  it.live("an unreachable host, through the lean client: the network error, without the signed URL", () =>
    Effect.gen(function*() {
      const options = yield* unreachable
      const lines = yield* report(
        Pusher.trigger("orders", "created", { id: 42 }).pipe(Effect.provide(NodePusher.layer(options)))
      )
      expectReadable(lines, /TransportError: POST \/events: network error: .*ECONNREFUSED/)
    }))

  it.live("an unreachable host, through fetch: the network error with its cause's words, without the signed URL", () =>
    Effect.gen(function*() {
      const options = yield* unreachable
      const lines = yield* report(
        Pusher.trigger("orders", "created", { id: 42 }).pipe(
          Effect.provide(Layer.merge(NodePusher.layerWithoutHttpClient(options), FetchHttpClient.layer))
        )
      )
      expectReadable(lines, /TransportError: POST \/events: network error: Transport: .*fetch failed.*ECONNREFUSED/)
    }))

  it.live("an invalid channel name and a payload over the limit: the rule, naming maxPayloadBytes", () =>
    Effect.gen(function*() {
      const layer = NodePusher.layer({ appId: "1", key: "k", secret })
      const invalid = yield* report(Pusher.trigger("no spaces", "created", {}).pipe(Effect.provide(layer)))
      expectReadable(invalid, /ValidationError: Invalid channel: may contain only/)
      const tooBig = yield* report(Pusher.trigger("orders", "created", "x".repeat(20_000)).pipe(Effect.provide(layer)))
      expectReadable(tooBig, /ValidationError: Invalid data: must be at most 10240 bytes .*maxPayloadBytes/)
    }))
})
