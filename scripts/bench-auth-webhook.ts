/**
 * Measures the pure hot paths against pusher@5.3.4, side by side in one process: `authorizeChannel`
 * (private and presence) and webhook verification plus decoding, each with the portable crypto and with
 * node:crypto. Ratios are ours ÷ pusher's ops/s, medians of interleaved rounds.
 *
 * Run once: npx tsx --conditions=@effect-pusher/source scripts/bench-auth-webhook.ts
 */
import { Pusher as EffectPusher, PusherConfig, PusherCrypto, Webhook } from "@effect-pusher/core"
import { NodePusherCrypto } from "@effect-pusher/platform-node"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as NodeCrypto from "node:crypto"
import Pusher from "pusher"

const options = { appId: "1", key: "bench-key", secret: "bench-secret" }
const pusher = new Pusher({ ...options, cluster: "mt1" })
const N = 40_000
const ROUNDS = 7

const presence = { user_id: "ada", user_info: { name: "Ada Lovelace", role: "admin" } }
const body = JSON.stringify({
  time_ms: 1700000000000,
  events: [
    { name: "channel_occupied", channel: "presence-lobby" },
    { name: "member_added", channel: "presence-lobby", user_id: "ada" }
  ]
})
const signature = NodeCrypto.createHmac("sha256", options.secret).update(body).digest("hex")
const headers = { "content-type": "application/json", "x-pusher-key": options.key, "x-pusher-signature": signature }

// CPU time of this process rather than wall time: the machine is shared, and other processes' load would
// otherwise land on whichever side happened to be running.
const time = (run: () => void): number => {
  const start = process.cpuUsage()
  run()
  const used = process.cpuUsage(start)
  return N / ((used.user + used.system) / 1e6)
}

const timeEffect = (program: Effect.Effect<void>): number =>
  time(() => {
    Effect.runSync(program)
  })

const loop = <A, E>(op: () => Effect.Effect<A, E, PusherConfig.PusherConfig>, crypto: PusherCrypto.Service) =>
  Effect.gen(function*() {
    for (let i = 0; i < N; i++) yield* op()
  }).pipe(
    Effect.orDie,
    Effect.provide(Layer.merge(PusherConfig.layer(options), PusherCrypto.layer(crypto))),
    Effect.orDie
  )

const cases: Array<{ name: string; theirs: () => void; ours: (crypto: PusherCrypto.Service) => Effect.Effect<void> }> =
  [
    {
      name: "authorizeChannel private",
      theirs: () => {
        for (let i = 0; i < N; i++) pusher.authorizeChannel("1234.5678", "private-orders")
      },
      ours: (crypto) => loop(() => EffectPusher.authorizeChannel("1234.5678", "private-orders"), crypto)
    },
    {
      name: "authorizeChannel presence",
      theirs: () => {
        for (let i = 0; i < N; i++) pusher.authorizeChannel("1234.5678", "presence-lobby", presence)
      },
      ours: (crypto) => loop(() => EffectPusher.authorizeChannel("1234.5678", "presence-lobby", presence), crypto)
    },
    {
      name: "webhook verify + decode",
      theirs: () => {
        for (let i = 0; i < N; i++) {
          const webhook = pusher.webhook({ headers, rawBody: body })
          if (!webhook.isValid()) throw new Error("invalid")
          webhook.getEvents()
        }
      },
      ours: (crypto) => loop(() => Webhook.verify({ headers, body }), crypto)
    }
  ]

const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const fmt = (n: number) => `${Math.round(n).toLocaleString("en-US")}/s`

for (const c of cases) {
  const rates = { pusher: [] as Array<number>, portable: [] as Array<number>, node: [] as Array<number> }
  const portable = c.ours(PusherCrypto.portable)
  const node = c.ours(NodePusherCrypto.service)
  // Warm-up
  c.theirs()
  timeEffect(portable)
  timeEffect(node)
  for (let r = 0; r < ROUNDS; r++) {
    rates.pusher.push(time(c.theirs))
    rates.portable.push(timeEffect(portable))
    rates.node.push(timeEffect(node))
  }
  const p = median(rates.pusher)
  console.log(
    `${c.name.padEnd(28)} pusher ${fmt(p).padStart(12)} | portable ${fmt(median(rates.portable)).padStart(12)} (${
      (median(rates.portable) / p).toFixed(2)
    }x) | node ${fmt(median(rates.node)).padStart(12)} (${(median(rates.node) / p).toFixed(2)}x)`
  )
}
