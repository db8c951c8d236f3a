import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as References from "effect/References"
import * as Tracer from "effect/Tracer"
import { ValidationError } from "../PusherError.js"

// A stack trace per call would cost more than the rest of the span.
const spanOptions = { captureStackTrace: false } as const

/**
 * Runs a public operation on a snapshot of its input, with the fiber's context, in a span named `name`
 * when a tracer that exports spans (OpenTelemetry, ...) is installed. With Effect's native tracer a span
 * records nothing anyone can read, yet costs several times the operation itself, so none is made: with a
 * span → without, `authorizeChannel` 3.8–5.3× and webhook verify + decode 3.5–4.8× the operations per
 * second (`pnpm bench:fastpaths span`, wall clock and CPU time, Node 20).
 *
 * `read` takes a plain snapshot of what the caller passed, reading each getter exactly once: inputs from
 * untyped callers can throw when read (a getter, a proxy), and only there does `onThrow` turn a throw into
 * the operation's typed error. `body` validates and sends the snapshot; a throw in it is a bug of ours and
 * stays a defect.
 *
 * @internal
 */
export const operation = <S, A, E, R, E2>(
  name: string,
  read: () => S,
  onThrow: (cause: unknown) => E2,
  body: (snapshot: S, context: Context.Context<never>) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | E2, R> =>
  Effect.withFiber<A, E | E2, R>((fiber) => {
    let snapshot: S
    try {
      snapshot = read()
    } catch (cause) {
      return Effect.fail(onThrow(cause))
    }
    return fiber.getRef(Tracer.Tracer) === Tracer.nativeTracer || !fiber.getRef(References.TracerEnabled)
      ? body(snapshot, fiber.context)
      : Effect.withSpan(Effect.suspend(() => body(snapshot, fiber.context)), name, spanOptions)
  })

/**
 * The `ValidationError` for an input that threw while being read.
 *
 * @internal
 */
export const unreadableInput = (cause: unknown): ValidationError =>
  new ValidationError({
    field: "input",
    rule: `could not be read (${cause instanceof Error ? cause.message : "it threw while being read"})`
  })
