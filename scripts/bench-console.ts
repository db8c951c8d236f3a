// `pnpm bench:console [N]`: what open debug consoles cost the emulator when nobody reads them. Serves the
// emulator on 127.0.0.1, opens 0, 1 and 5 consoles (`/_console/events`) whose readers are paused after the
// snapshot, triggers N events (default 20,000, 200-byte data) through the in-memory client, and prints the
// time and the heap growth for each. The logs the emulator keeps anyway are in every row; what a console
// adds is the difference. Run with `node --expose-gc` (the script does) for steady heap figures.
import * as Pusher from "@effect-pusher/core/Pusher"
import * as PusherTest from "@effect-pusher/core/PusherTest"
import * as NodePusherTest from "@effect-pusher/platform-node/NodePusherTest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import * as Http from "node:http"
const n = Number(process.argv[2] ?? 20000)

const run = async (consoles: number) => {
  const scope = Effect.runSync(Scope.make())
  const ctx = await Effect.runPromise(Layer.buildWithScope(PusherTest.layer(), scope))
  const emulator = Context.get(ctx, PusherTest.PusherTest)
  const served = await Effect.runPromise(NodePusherTest.serveService(emulator).pipe(Scope.extend(scope)))
  const requests: Array<Http.ClientRequest> = []
  for (let i = 0; i < consoles; i++) {
    await new Promise<void>((resolve) => {
      const req = Http.get(`${served.url}/_console/events`, (res) => {
        res.once("data", () => {
          res.pause()
          resolve()
        })
      })
      requests.push(req)
    })
  }
  global.gc?.()
  const before = process.memoryUsage().heapUsed
  const t0 = performance.now()
  await Effect.runPromise(
    Effect.forEach(Array.from({ length: n }), (_, i) => Pusher.trigger("news", "tick", { i, pad: "x".repeat(200) }), {
      discard: true
    }).pipe(Effect.provide(ctx))
  )
  const t1 = performance.now()
  await new Promise((r) => setTimeout(r, 500))
  global.gc?.()
  const after = process.memoryUsage().heapUsed
  console.log(
    `consoles=${consoles} (paused readers) triggers=${n} time=${(t1 - t0).toFixed(0)} ms heap growth=${
      ((after - before) / 1e6).toFixed(1)
    } MB`
  )
  for (const r of requests) r.destroy()
  await Effect.runPromise(Scope.close(scope, Exit.void))
}

for (const consoles of [0, 1, 5]) await run(consoles)
process.exit(0)
