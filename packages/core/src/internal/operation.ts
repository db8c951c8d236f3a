import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Tracer from "effect/Tracer"
import { ValidationError } from "../PusherError.js"

// Effect's built-in tracer keeps its spans to itself: they reach no exporter.
const builtInTracer = Context.get(DefaultServices.liveServices, Tracer.Tracer)

// A stack trace per call would cost more than the rest of the span.
const spanOptions = { captureStackTrace: false } as const

/**
 * Runs the body of a public operation with the fiber's context, in a span named `name` when a tracer that
 * exports spans (OpenTelemetry, ...) is installed. With Effect's built-in tracer a span records nothing
 * anyone can read, yet costs several times an authorization or a signed request, so none is made.
 *
 * Inputs from untyped callers can throw when read (a getter, a proxy); `onThrow` turns that into the
 * operation's typed error instead of a defect.
 *
 * @internal
 */
export const operation = <A, E, R, E2>(
  name: string,
  body: (context: Context.Context<never>) => Effect.Effect<A, E, R>,
  onThrow: (cause: unknown) => E2
): Effect.Effect<A, E | E2, R> =>
  Effect.withFiberRuntime<A, E | E2, R>((fiber) =>
    fiber.currentTracer === builtInTracer || !fiber.getFiberRef(FiberRef.currentTracerEnabled)
      ? guarded(body, fiber.currentContext, onThrow)
      : Effect.withSpan(Effect.suspend(() => guarded(body, fiber.currentContext, onThrow)), name, spanOptions)
  )

const guarded = <A, E, R, E2>(
  body: (context: Context.Context<never>) => Effect.Effect<A, E, R>,
  context: Context.Context<never>,
  onThrow: (cause: unknown) => E2
): Effect.Effect<A, E | E2, R> => {
  try {
    return body(context)
  } catch (cause) {
    return Effect.fail(onThrow(cause))
  }
}

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
