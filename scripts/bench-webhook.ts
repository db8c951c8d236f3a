/**
 * Measures webhook verification and decoding against pusher@5.3.4, medians of interleaved rounds, with the
 * inputs of `pnpm bench`'s "webhook verify + decode" row (and a larger body of every event kind):
 *
 * - "verify": ours through the public `Webhook.verify` (one runtime, as a server), theirs
 *   `webhook(...).isValid()` + `getEvents()`;
 * - "decode": the parsed body to events, by the hand-rolled decoder of `@effect-pusher/protocol/WebhookEvents`
 *   (through core's `decodePayload`) and by the `WebhookPayload` Schema alone, which is what the fast path
 *   has to beat.
 *
 * Run: npx --yes pnpm@10 bench:webhook
 */
import { Webhook } from "@effect-pusher/core"
import { NodePusher } from "@effect-pusher/platform-node"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as ParseResult from "effect/ParseResult"
import OfficialPusher from "pusher"
import { decodePayload } from "../packages/core/src/internal/webhook.js"
import { signedWebhookHeaders } from "../packages/core/test/utils/signedWebhook.js"
import { loop, median } from "./lib/measure.js"

const N = 20_000
const ROUNDS = 7

const credentials = { appId: "1", key: "bench-key", secret: "bench-secret" }
const official = new OfficialPusher({ ...credentials, host: "127.0.0.1" })
const pure = ManagedRuntime.make(NodePusher.layerWithoutHttpClient({ ...credentials, host: "127.0.0.1" }))

const bodies = {
  // The body of `pnpm bench`.
  "2 events": JSON.stringify({
    time_ms: 1_700_000_000_000,
    events: [
      { name: "channel_occupied", channel: "presence-lobby" },
      { name: "member_added", channel: "presence-lobby", user_id: "ada" }
    ]
  }),
  "20 events, every kind": JSON.stringify({
    time_ms: 1_700_000_000_000,
    events: Array.from({ length: 20 }, (_, i) =>
      [
        { name: "channel_occupied", channel: `presence-room-${i}` },
        { name: "member_added", channel: `presence-room-${i}`, user_id: `user-${i}` },
        {
          name: "client_event",
          channel: `presence-room-${i}`,
          event: "client-move",
          data: JSON.stringify({ x: i, y: 2 * i }),
          socket_id: "1234.5678",
          user_id: `user-${i}`
        },
        { name: "subscription_count", channel: `room-${i}`, subscription_count: i },
        { name: "cache_miss", channel: `cache-room-${i}` }
      ][i % 5])
  })
}

const headersFor = (body: string) => signedWebhookHeaders(body, credentials)

const schemaDecode = ParseResult.decodeUnknownEither(Webhook.WebhookPayload, { errors: "first" })

let sink = 0

const opsPerSecond = async (run: () => void | Promise<void>): Promise<number> => {
  const start = process.hrtime.bigint()
  await run()
  return N / (Number(process.hrtime.bigint() - start) / 1e9)
}

const format = (x: number) => `${Math.round(x).toLocaleString("en-US")}`.padStart(11)

const main = async () => {
  console.log(`node ${process.version}; ${N} operations per round, median of ${ROUNDS} interleaved rounds\n`)
  for (const [label, body] of Object.entries(bodies)) {
    const headers = headersFor(body)
    const parsed: unknown = JSON.parse(body)
    const candidates: ReadonlyArray<readonly [string, () => void | Promise<void>]> = [
      ["pusher@5.3.4 isValid + getEvents", () => {
        for (let i = 0; i < N; i++) {
          const webhook = official.webhook({ headers, rawBody: body })
          if (!webhook.isValid()) throw new Error("the benchmark's webhook does not verify")
          sink += webhook.getEvents().length
        }
      }],
      ["ours Webhook.verify", () => pure.runPromise(loop(N, () => Webhook.verify({ headers, body })))],
      ["decode: fast decoder", () => {
        for (let i = 0; i < N; i++) sink += decodePayload(parsed)._tag.length
      }],
      ["decode: WebhookPayload Schema", () => {
        for (let i = 0; i < N; i++) sink += schemaDecode(parsed)._tag.length
      }]
    ]
    const samples = candidates.map(() => [] as Array<number>)
    for (const [, run] of candidates) await run() // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? candidates.map((_, i) => i) : candidates.map((_, i) => i).reverse()
      for (const c of order) samples[c]!.push(await opsPerSecond(candidates[c]![1]))
    }
    const baseline = median(samples[0]!)
    console.log(`body ${label} (${body.length} B)`)
    for (let c = 0; c < candidates.length; c++) {
      const ops = median(samples[c]!)
      console.log(
        `  ${candidates[c]![0].padEnd(34)} ${format(ops)} ops/s ${format(1e9 / ops)} ns/op   ${
          (ops / baseline).toFixed(2)
        }× pusher`
      )
    }
    console.log()
  }
  await pure.dispose()
  if (sink === 0) console.log("(nothing decoded)")
}

main()
