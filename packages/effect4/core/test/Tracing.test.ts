import { Pusher, PusherConfig, Webhook } from "@effect-pusher/core"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Tracer from "effect/Tracer"
import { signedWebhookHeaders } from "../../../core/test/utils/signedWebhook.js"
import { makeRecorder } from "./utils/recorder.js"

const builtIn = Tracer.nativeTracer

/** A tracer that exports (here: records) the spans it makes, as OpenTelemetry's would. */
const makeRecordingTracer = () => {
  const spans: Array<{ name: string; parent: string | undefined; attributes: string }> = []
  const tracer = Tracer.make({
    span: (options) => {
      const span = builtIn.span(options)
      const end = span.end.bind(span)
      const parent = options.parent
      span.end = (endTime, exit) => {
        spans.push({
          name: options.name,
          parent: parent._tag === "Some" && parent.value._tag === "Span" ? parent.value.name : undefined,
          attributes: JSON.stringify([...span.attributes])
        })
        end(endTime, exit)
      }
      return span
    }
  })
  return { spans, tracer }
}

const isClientSpan = (span: { readonly name: string }): boolean => span.name === "GET" || span.name === "POST"

const secret = "tracing-secret"
const config = PusherConfig.layer({ appId: 1, key: "key", secret })
const body = JSON.stringify({ time_ms: 1, events: [{ name: "channel_occupied", channel: "a" }] })
const webhook = { headers: signedWebhookHeaders(body, { key: "key", secret }), body }

const server = makeRecorder((request) => request.method === "GET" ? { body: "{\"occupied\":true}" } : {}).layer

const operations = Effect.gen(function*() {
  yield* Pusher.trigger("a", "e", { x: 1 })
  yield* Pusher.channel("a")
  yield* Pusher.authorizeChannel("1.2", "private-a")
  yield* Pusher.authenticateUser("1.2", { id: "ada" })
  yield* Webhook.verify(webhook)
  yield* Effect.flip(Pusher.trigger("bad channel", "e", 1))
})

describe("spans", () => {
  it.effect("every public operation has a span under a tracer that exports them, nested in the caller's", () => {
    const { spans, tracer } = makeRecordingTracer()
    return operations.pipe(
      Effect.withSpan("caller"),
      Effect.provide(Layer.merge(config, server)),
      Effect.withTracer(tracer),
      Effect.tap(() =>
        Effect.sync(() => {
          // The stock client's own request spans (named by the request's method in Effect 4, as
          // OpenTelemetry's conventions name them) nest inside the operation's.
          expect(spans.filter(isClientSpan).map((s) => s.parent)).toEqual([
            "Pusher.trigger",
            "Pusher.channel"
          ])
          const operationSpans = spans.filter((s) => !isClientSpan(s))
          expect(operationSpans.map((s) => s.name)).toEqual([
            "Pusher.trigger",
            "Pusher.channel",
            "Pusher.authorizeChannel",
            "Pusher.authenticateUser",
            "Webhook.verify",
            "Pusher.trigger",
            "caller"
          ])
          expect(operationSpans.slice(0, 6).every((s) => s.parent === "caller")).toBe(true)
          expect(JSON.stringify(spans)).not.toContain(secret)
        })
      )
    )
  })

  it.effect("no span is made under Effect's built-in tracer, or with tracing disabled", () => {
    const { spans, tracer } = makeRecordingTracer()
    return Effect.gen(function*() {
      // The recording tracer sees only what it is asked to make; with it disabled, nothing.
      yield* operations.pipe(Effect.withTracer(tracer), Effect.withTracerEnabled(false))
      expect(spans).toEqual([])
      // Under the built-in tracer the operation runs in the caller's span, with no span of its own.
      const inside = yield* Pusher.channel("a").pipe(
        Effect.andThen(Effect.currentSpan),
        Effect.withSpan("caller")
      )
      expect(inside.name).toBe("caller")
    }).pipe(Effect.provide(Layer.merge(config, server)))
  })
})
