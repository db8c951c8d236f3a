import * as Batch from "@effect-pusher/protocol/Batch"
import * as Events from "@effect-pusher/protocol/Events"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberSet from "effect/FiberSet"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import type { PusherError } from "../PusherError.js"
import * as Client from "./client.js"
import * as Results from "./results.js"

/** @internal Per-event attributes, as decoded from the batch answer. */
export type Attributes = Results.ChannelAttributes

interface Entry {
  readonly event: Events.WireEvent
  readonly resume: (effect: Effect.Effect<Attributes | undefined, PusherError>) => void
  /** Set once the entry left the queue for a batch. */
  taken: boolean
  /** Set when the caller was interrupted before its event left the queue. */
  cancelled: boolean
  /** Set once the caller was resumed. */
  settled: boolean
}

/** @internal */
export interface Options {
  readonly maxBatch: number
  readonly maxWait: Duration.Duration
  readonly maxInFlight: number
}

/** @internal */
export interface Batcher {
  /** The config whose triggers this batcher sends; triggers under another config bypass it. */
  readonly requestContext: Client.RequestContext
  readonly submit: (event: Events.WireEvent) => Effect.Effect<Attributes | undefined, PusherError>
  /** Counts of what was sent, for tests and benchmarks. */
  readonly stats: { requests: number; events: number; isolated: number }
}

/**
 * Builds a batcher whose lifetime is the scope: on close it stops batching new events, sends everything
 * still queued and waits for every batch in flight.
 *
 * @internal
 */
export const make = (
  requestContext: Client.RequestContext,
  options: Options
): Effect.Effect<Batcher, never, Scope.Scope> =>
  Effect.gen(function*() {
    let pending: Array<Entry> = []
    // Channels with an event in flight: their next events wait, so a channel's events keep their order.
    const busy = new Map<string, number>()
    const wake = yield* Queue.sliding<void>(1)
    const progress = yield* Queue.sliding<void>(1)
    const inFlight = yield* Effect.makeSemaphore(options.maxInFlight)
    const sends = yield* FiberSet.make()
    const stats = { requests: 0, events: 0, isolated: 0 }
    let closed = false

    // Set from a wake-up signal until the flusher starts draining: events queued meanwhile need no signal
    // of their own, which spares the flusher a round per event.
    let awake = false
    const signal = () => {
      if (awake) return
      awake = true
      Queue.unsafeOffer(wake, undefined)
    }

    /** Takes the next batch off the queue (see `Batch.plan`). */
    const takeBatch = (): Array<Entry> => {
      const { batch, rest } = Batch.plan(pending, {
        maxBatch: options.maxBatch,
        maxEventsPerBatch: requestContext.config.maxEventsPerBatch,
        channelOf: (entry) => entry.event.channel,
        busy: (channel) => busy.has(channel),
        dropped: (entry) => entry.cancelled
      })
      for (const entry of batch) entry.taken = true
      pending = rest
      return batch
    }

    /** Resumes every caller of `batch` not resumed yet: its own attributes, or the batch's failure. */
    const settle = (
      batch: ReadonlyArray<Entry>,
      exit: Exit.Exit<ReadonlyArray<Attributes> | undefined, PusherError>
    ) => {
      for (let i = 0; i < batch.length; i++) {
        const entry = batch[i]!
        if (entry.settled) continue
        entry.settled = true
        entry.resume(Exit.isSuccess(exit) ? Effect.succeed(exit.value?.[i]) : Effect.failCause(exit.cause))
      }
    }

    const isolates = (size: number, exit: Exit.Exit<unknown, PusherError>) =>
      Exit.isFailure(exit) && Cause.failureOption(exit.cause).pipe(
        Option.exists((error) => error._tag === "HttpError" && Batch.isolates(size, error.status))
      )

    const post = (batch: ReadonlyArray<Entry>) => {
      stats.requests++
      stats.events += batch.length
      const body = Events.batchBody(batch.map((entry) => entry.event))
      return Effect.map(
        Client.send(requestContext, "POST", "/batch_events", [], body, Results.decodeBatch),
        (answer) => answer.batch
      )
    }

    /**
     * Sends one batch. A 400 or 413 for a batch of several events may be caused by any one of them (the
     * server does not say which), so each event is then sent alone, one after the other (keeping each
     * channel's order and the in-flight bound), and gets its own answer. Whatever ends the send (a defect of
     * the client, an interruption), every caller is resumed.
     */
    const send = (batch: ReadonlyArray<Entry>): Effect.Effect<void> =>
      Effect.exit(post(batch)).pipe(
        Effect.flatMap((exit) => {
          if (isolates(batch.length, exit)) {
            stats.isolated++
            return Effect.forEach(
              batch,
              (entry) => Effect.map(Effect.exit(post([entry])), (one) => settle([entry], one)),
              { discard: true }
            )
          }
          return Effect.sync(() => settle(batch, exit))
        }),
        Effect.onExit((exit) =>
          Effect.sync(() => settle(batch, Exit.isSuccess(exit) ? Exit.succeed(undefined) : Exit.failCause(exit.cause)))
        ),
        Effect.ensuring(Effect.sync(() => {
          for (const entry of batch) {
            const count = (busy.get(entry.event.channel) ?? 1) - 1
            if (count === 0) busy.delete(entry.event.channel)
            else busy.set(entry.event.channel, count)
          }
          if (pending.length > 0) signal()
          Queue.unsafeOffer(progress, undefined)
        })),
        Effect.ensuring(inFlight.release(1))
      )

    const drain: Effect.Effect<void> = Effect.suspend(() => {
      const batch = takeBatch()
      if (batch.length === 0) return Effect.void
      for (const entry of batch) busy.set(entry.event.channel, (busy.get(entry.event.channel) ?? 0) + 1)
      return inFlight.take(1).pipe(
        Effect.zipRight(FiberSet.run(sends, send(batch))),
        Effect.zipRight(drain)
      )
    })

    // How long a burst may grow: to the end of the tick, or `maxWait` cut short once a batch is full.
    const waits = !Duration.isZero(options.maxWait)
    const full = yield* Queue.sliding<void>(1)
    const pause = waits
      ? Effect.zipRight(
        Queue.takeAll(full),
        Effect.suspend(() =>
          pending.length >= options.maxBatch
            ? Effect.void
            : Effect.raceFirst(Effect.sleep(options.maxWait), Queue.take(full))
        )
      )
      : Effect.yieldNow()

    yield* Effect.forkScoped(Effect.forever(
      Queue.take(wake).pipe(
        Effect.zipRight(pause),
        Effect.zipRight(Effect.sync(() => {
          awake = false
        })),
        Effect.zipRight(drain)
      )
    ))

    // On shutdown: stop batching, send what is queued, wait for every batch in flight.
    yield* Effect.addFinalizer(() =>
      Effect.suspend(() => {
        closed = true
        // Events of a channel with a batch in flight wait for it, so drain in rounds until the queue is empty.
        const finish: Effect.Effect<void> = Effect.suspend(() =>
          pending.length === 0
            ? inFlight.withPermits(options.maxInFlight)(Effect.void)
            : drain.pipe(
              Effect.zipRight(Effect.suspend(() => pending.length === 0 ? Effect.void : Queue.take(progress))),
              Effect.zipRight(finish)
            )
        )
        return finish
      })
    )

    const enqueue = (event: Events.WireEvent) =>
      Effect.async<Attributes | undefined, PusherError>((resume) => {
        const entry: Entry = { event, resume, taken: false, cancelled: false, settled: false }
        pending.push(entry)
        signal()
        if (waits && pending.length >= options.maxBatch) Queue.unsafeOffer(full, undefined)
        // An event that has not left the queue is dropped with its interrupted caller; one already in a batch
        // in flight is sent anyway (a request cannot be taken back).
        return Effect.sync(() => {
          if (!entry.taken) entry.cancelled = true
        })
      })

    const submit = (event: Events.WireEvent): Effect.Effect<Attributes | undefined, PusherError> =>
      closed
        ? Effect.map(
          post([{ event, resume: () => {}, taken: true, cancelled: false, settled: true }]),
          (answer) => answer?.[0]
        )
        : enqueue(event)

    return { requestContext, submit, stats } satisfies Batcher
  })
