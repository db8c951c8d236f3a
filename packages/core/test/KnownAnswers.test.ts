import { Pusher, PusherConfig } from "@effect-pusher/core"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import { makeRecorder } from "./utils/recorder.js"

describe("known answers (SPEC §7)", () => {
  it.effect("signs a POST with body_md5 like the reference example", () => {
    const recorder = makeRecorder()
    return Effect.gen(function*() {
      yield* TestClock.setTime(1353088179 * 1000)
      yield* Pusher.trigger("project-3", "foo", { some: "data" })
      const [request] = recorder.requests
      expect(request!.body).toBe(`{"name":"foo","data":"{\\"some\\":\\"data\\"}","channels":["project-3"]}`)
    }).pipe(
      Effect.provide(Layer.merge(
        recorder.layer,
        PusherConfig.layer({ appId: 3, key: "278d425bdf160c739803", secret: "7ad3773142a6692b25b8" })
      ))
    )
  })
})
