/**
 * The quick-start: `npx --yes pnpm@10 demo`.
 *
 * Without a Pusher account it serves the test kit's Channels emulator over HTTP on 127.0.0.1 and talks to
 * it through the live Node layer (pooled undici client, node:crypto), exactly as it would talk to Pusher.
 * With `PUSHER_URL` set (https://KEY:SECRET@HOST/apps/APP_ID) it runs against that server instead.
 */
import { Pusher, PusherBatching, PusherConfig, PusherTest, Webhook } from "@effect-pusher/core"
import { NodePusher, NodePusherTest } from "@effect-pusher/platform-node"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { createHmac } from "node:crypto"

const masterKey = "zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU="

const title = (text: string) => Console.log(`\n── ${text} ${"─".repeat(Math.max(0, 60 - text.length))}`)
const show = (label: string, value: unknown) =>
  Console.log(`  ${label.padEnd(24)} ${typeof value === "string" ? value : JSON.stringify(value)}`)

/**
 * Shows a result (as JSON, or as `describe` puts it), or the typed error it failed with (a real server may
 * refuse what the emulator allows).
 */
const attempt = <A, E extends { readonly _tag: string; readonly message: string }, R>(
  label: string,
  effect: Effect.Effect<A, E, R>,
  describe: (value: A) => unknown = (value) => value
) =>
  Effect.matchEffect(effect, {
    onFailure: (error) => show(label, `${error._tag}: ${error.message}`),
    onSuccess: (value) => show(label, describe(value))
  })

/** The tour: every call below is the public API, the same against Pusher, soketi or the emulator. */
const tour = (emulator: Option.Option<PusherTest.Service>) =>
  Effect.gen(function*() {
    const config = yield* PusherConfig.PusherConfig
    yield* show("talking to", `${config.baseUrl}${config.pathPrefix} (key ${config.key})`)

    if (Option.isSome(emulator)) {
      // Simulated browsers, so that queries and `info` have something to report.
      yield* emulator.value.subscribe("orders")
      yield* emulator.value.subscribe("presence-lobby", { user: { id: "ada", info: { name: "Ada" } } })
      yield* emulator.value.subscribe("presence-lobby", { user: { id: "grace", info: { name: "Grace" } } })
    }

    yield* title("trigger")
    yield* attempt(
      "trigger → orders",
      Pusher.trigger("orders", "order-created", { id: 42, total: "9.99" }, { info: ["subscription_count"] })
    )

    yield* title("triggerBatch")
    yield* attempt(
      "batch of 2",
      Pusher.triggerBatch([
        { channel: "orders", name: "order-paid", data: { id: 42 } },
        { channel: "presence-lobby", name: "announcement", data: "doors open", info: ["user_count"] }
      ]),
      // one answer per event, in order; an event that asked for no info answers {}
      (result) =>
        `sent; per event: ${
          (result.batch ?? []).map((entry, i) =>
            `#${i} ${Object.keys(entry).length === 0 ? "{} (no info asked)" : JSON.stringify(entry)}`
          ).join(", ")
        }`
    )

    yield* title("queries")
    yield* attempt("channels", Pusher.channels({ info: ["subscription_count"] }))
    yield* attempt("channel presence-lobby", Pusher.channel("presence-lobby", { info: ["user_count"] }))
    yield* attempt("users of presence-lobby", Pusher.users("presence-lobby"))

    yield* title("authorization (what your /pusher/auth endpoint answers)")
    yield* show("private-orders", yield* Pusher.authorizeChannel("123.456", "private-orders"))
    yield* show(
      "presence-lobby",
      yield* Pusher.authorizeChannel("123.456", "presence-lobby", { user_id: "ada", user_info: { name: "Ada" } })
    )
    yield* show("sign-in", yield* Pusher.authenticateUser("123.456", { id: "ada" }))

    if (Option.isSome(config.encryptionMasterKey)) {
      yield* title("end-to-end encryption")
      const encrypted = yield* Pusher.authorizeChannel("123.456", "private-encrypted-vault")
      yield* show("auth with shared_secret", encrypted)
      yield* attempt(
        "trigger, sealed",
        Pusher.trigger("private-encrypted-vault", "secret", { pin: "1234" }),
        (result) => `sent {"pin":"1234"} sealed; the answer ${JSON.stringify(result)} (no info asked)`
      )
      if (Option.isSome(emulator)) {
        const sealed = yield* emulator.value.takeEvent({ channel: "private-encrypted-vault" })
        yield* show("what the server sees", sealed.rawData)
      }
    }

    yield* title("automatic batching (PusherBatching.layer)")
    yield* attempt(
      "25 concurrent triggers",
      Effect.gen(function*() {
        yield* Effect.forEach(
          Array.from({ length: 25 }, (_, i) => i),
          (i) => Pusher.trigger(`ticker-${i % 5}`, "tick", { i }),
          { concurrency: "unbounded", discard: true }
        )
        return yield* PusherBatching.stats
      }).pipe(Effect.provide(PusherBatching.layer())),
      (stats) => `${stats.events} events in ${stats.requests} HTTP requests`
    )

    yield* title("webhooks")
    const requests = Option.isSome(emulator)
      ? yield* emulator.value.webhooks
      : [signSample(Redacted.value(config.secret), config.key)]
    for (const request of requests) {
      const payload = yield* Webhook.verify(request)
      for (const event of payload.events) yield* show("verified event", event)
    }
    const forged = yield* Effect.flip(Webhook.verify({ ...requests[0]!, body: `${requests[0]!.body} ` }))
    yield* show("a tampered copy", `${forged._tag} ${forged.reason}`)

    yield* title("typed errors")
    const invalid = yield* Effect.flip(Pusher.trigger("no spaces allowed", "event", {}))
    yield* show(invalid._tag, invalid.message)
    const tooBig = yield* Effect.flip(Pusher.trigger("orders", "event", "x".repeat(20_000)))
    yield* show(tooBig._tag, tooBig.message)

    if (Option.isSome(emulator)) {
      yield* title("what the emulator recorded, per channel")
      const byChannel = new Map<string, Array<string>>()
      for (const event of yield* emulator.value.events) {
        byChannel.set(event.channel, [...(byChannel.get(event.channel) ?? []), event.name])
      }
      for (const [channel, names] of byChannel) yield* show(channel, names.join(", "))
    }
  })

/** A webhook as Pusher would sign it, for runs against a real server (which sends its own elsewhere). */
const signSample = (secret: string, key: string) => {
  const body = JSON.stringify({
    time_ms: Date.now(),
    events: [{ name: "member_added", channel: "presence-lobby", user_id: "ada" }]
  })
  return {
    headers: {
      "Content-Type": "application/json",
      "X-Pusher-Key": key,
      "X-Pusher-Signature": createHmac("sha256", secret).update(body).digest("hex")
    },
    body
  }
}

const againstEmulator = Effect.gen(function*() {
  const emulator = yield* PusherTest.make({ encryptionMasterKeyBase64: masterKey })
  const served = yield* NodePusherTest.serveService(emulator)
  yield* Console.log(`effect-pusher demo: a Channels emulator is serving on ${served.url} (no account needed)`)
  yield* tour(Option.some(emulator)).pipe(
    Effect.provide(NodePusher.layer({ ...served.config, encryptionMasterKeyBase64: masterKey }))
  )
}).pipe(Effect.scoped)

const againstServer = Effect.gen(function*() {
  yield* Console.log("effect-pusher demo: PUSHER_URL is set, talking to that server")
  yield* tour(Option.none()).pipe(Effect.provide(NodePusher.layerConfig()))
})

const program = process.env["PUSHER_URL"] === undefined ? againstEmulator : againstServer

// runMain reports a failure in a few lines (the typed error's message) and sets the exit code.
program.pipe(Effect.zipRight(Console.log("\ndone.")), NodeRuntime.runMain)
