import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Tracer from "effect/Tracer"

// Effect's built-in tracer keeps its spans to itself: they reach no exporter.
const builtInTracer = Context.get(DefaultServices.liveServices, Tracer.Tracer)

// A stack trace per call would cost more than the rest of the span.
const spanOptions = { captureStackTrace: false } as const

/**
 * Runs the body of a public operation with the fiber's context, in a span named `name` when a tracer that
 * exports spans (OpenTelemetry, ...) is installed. With Effect's built-in tracer a span records nothing
 * anyone can read, yet costs several times an authorization or a signed request, so none is made.
 *
 * @internal
 */
export const operation = <A, E, R>(
  name: string,
  body: (context: Context.Context<never>) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> =>
  Effect.withFiberRuntime<A, E, R>((fiber) =>
    fiber.currentTracer === builtInTracer || !fiber.getFiberRef(FiberRef.currentTracerEnabled)
      ? body(fiber.currentContext)
      : Effect.withSpan(Effect.suspend(() => body(fiber.currentContext)), name, spanOptions)
  )
