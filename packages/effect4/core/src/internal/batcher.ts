import * as Batch from "@effect-pusher/protocol/Batch"
import * as Events from "@effect-pusher/protocol/Events"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberSet from "effect/FiberSet"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import * as Semaphore from "effect/Semaphore"
import type { Ordering } from "../PusherBatching.js"
import { type PusherError, TransportError } from "../PusherError.js"
import type * as PusherRetry from "../PusherRetry.js"
import * as Client from "./client.js"
import * as Results from "./results.js"
import * as Retry from "./retry.js"

/** @internal Per-event attributes, as decoded from the batch answer. */
export type Attributes = Results.ChannelAttributes

interface Entry {
  readonly event: Events.WireEvent
  readonly resume: (effect: Effect.Effect<Attributes | undefined, PusherError>) => void
  /** Set once the entry left the queue for a batch. */
  taken: boolean
  /**
   * Set when the caller stopped waiting (its deadline passed, or it was interrupted) before its event left the
   * queue: the event is then dropped.
   */
  cancelled: boolean
  /** Set once the caller was resumed. */
  settled: boolean
  /** When the caller stops waiting (clock milliseconds): its call's timeout after it submitted. */
  readonly deadline: number
  readonly timeout: Duration.Duration
  /** Its call's retry policy, when that policy retries writes. */
  readonly policy: PusherRetry.Installed | undefined
}

/** @internal */
export interface Options {
  readonly maxBatch: number
  readonly maxWait: Duration.Duration
  readonly maxInFlight: number
  readonly ordering: Ordering
}

/** @internal */
export interface Batcher {
  /** The config whose triggers this batcher sends; triggers under another config bypass it. */
  readonly requestContext: Client.RequestContext
  /**
   * Queues `event`; the caller waits at most `timeout` (its call's), whatever is queued or in flight. `policy`:
   * its call's retry policy, when that policy retries writes.
   */
  readonly submit: (
    event: Events.WireEvent,
    timeout: Duration.Duration,
    policy?: PusherRetry.Installed | undefined
  ) => Effect.Effect<Attributes | undefined, PusherError>
  /** Counts of what was sent, for tests and benchmarks. */
  readonly stats: { requests: number; events: number; isolated: number }
}

const path = "/batch_events"

const timeoutError = (timeout: Duration.Duration) =>
  new TransportError({
    reason: "Timeout",
    method: "POST",
    path,
    description: `no answer within the configured timeout of ${
      Duration.format(timeout)
    } (queued for batching; the event may still be delivered)`
  })

const closedError = new TransportError({
  reason: "Closed",
  method: "POST",
  path,
  description: "the PusherBatching layer was released: the event was not sent"
})

/**
 * Builds a batcher whose lifetime is the scope: on close it sends everything still queued (and what is
 * submitted while it closes) and waits for every batch in flight; once closed, it refuses new events with a
 * `TransportError` `Closed` (sending them alone could overtake nothing, but concurrent ones would race).
 *
 * @internal
 */
export const make = (
  requestContext: Client.RequestContext,
  options: Options
): Effect.Effect<Batcher, never, Scope.Scope> =>
  Effect.gen(function*() {
    // Queued events from `head` on (the unordered planner takes from an index instead of copying the rest).
    let pending: Array<Entry> = []
    let head = 0
    const queued = () => pending.length - head
    const ordered = options.ordering === "perChannel"
    // Ordered mode: channels with an event in flight; their next events wait, so a channel's events keep
    // their order.
    const busy = new Map<string, number>()
    const clock = yield* Clock.Clock
    const wake = yield* Queue.sliding<void>(1)
    const progress = yield* Queue.sliding<void>(1)
    const inFlight = yield* Semaphore.make(options.maxInFlight)
    const sends = yield* FiberSet.make()
    const stats = { requests: 0, events: 0, isolated: 0 }
    let state: "open" | "closing" | "closed" = "open"

    // Set from a wake-up signal until the flusher starts draining: events queued meanwhile need no signal
    // of their own, which spares the flusher a round per event.
    let awake = false
    const signal = () => {
      if (awake) return
      awake = true
      Queue.offerUnsafe(wake, undefined)
    }

    const dropped = (entry: Entry) => entry.cancelled
    const maxEventsPerBatch = requestContext.config.maxEventsPerBatch
    const planOptions = {
      maxBatch: options.maxBatch,
      maxEventsPerBatch,
      channelOf: (entry: Entry) => entry.event.channel,
      busy: (channel: string) => busy.has(channel),
      dropped
    }
    const takeOptions = { maxBatch: options.maxBatch, maxEventsPerBatch, dropped }

    /**
     * Takes the next batch off the queue: `Batch.plan` when ordered (it rebuilds the queue, `head` stays 0),
     * else `Batch.take` from `head`, the queue compacted once most of it is taken.
     */
    const takeBatch = (): Array<Entry> => {
      let batch: Array<Entry>
      if (ordered) {
        const plan = Batch.plan(pending, planOptions)
        batch = plan.batch
        pending = plan.rest
        for (const entry of batch) busy.set(entry.event.channel, (busy.get(entry.event.channel) ?? 0) + 1)
      } else {
        const taken = Batch.take(pending, takeOptions, head)
        batch = taken.batch
        head = taken.next
        if (head === pending.length) {
          pending = []
          head = 0
        } else if (head > 1024 && head * 2 > pending.length) {
          pending = pending.slice(head)
          head = 0
        }
      }
      for (const entry of batch) entry.taken = true
      return batch
    }

    // Callers still waiting, by deadline (submission order, as every call of a config has the same
    // timeout); `first` is the index of the earliest. One fiber resumes each caller whose deadline passed,
    // queued or in flight: a timer per caller would cost two fibers per event.
    let waiting: Array<Entry> = []
    let first = 0
    // When the timer fiber wakes next: it needs a signal only for a caller whose deadline comes before that.
    let wakesAt = Infinity
    const watch = yield* Queue.sliding<void>(1)
    const forgetSettled = () => {
      while (first < waiting.length && waiting[first]!.settled) first++
      if (first === waiting.length) {
        waiting = []
        first = 0
      } else if (first > 1024 && first * 2 > waiting.length) {
        waiting = waiting.slice(first)
        first = 0
      }
    }
    const addWaiting = (entry: Entry) => {
      // A later call with a shorter timeout goes before the callers that may wait longer.
      let at = waiting.length
      while (at > first && waiting[at - 1]!.deadline > entry.deadline) at--
      if (at === waiting.length) waiting.push(entry)
      else waiting.splice(at, 0, entry)
      if (entry.deadline < wakesAt) {
        wakesAt = entry.deadline
        Queue.offerUnsafe(watch, undefined)
      }
    }
    const expire: Effect.Effect<void> = Effect.suspend(() => {
      const now = clock.currentTimeMillisUnsafe()
      while (first < waiting.length) {
        const entry = waiting[first]!
        if (!entry.settled) {
          if (entry.deadline > now) break
          // Not sent yet: it never will be. In flight: the request goes on, and may still deliver it.
          if (!entry.taken) entry.cancelled = true
          entry.settled = true
          entry.resume(Effect.fail(timeoutError(entry.timeout)))
        }
        first++
      }
      forgetSettled()
      const next = waiting[first]
      wakesAt = next === undefined ? Infinity : next.deadline
      return next === undefined
        ? Queue.take(watch)
        : Effect.raceFirst(Effect.sleep(Duration.millis(next.deadline - now)), Queue.take(watch))
    })
    yield* Effect.forkScoped(Effect.forever(expire))

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
      forgetSettled()
    }

    const isolates = (size: number, exit: Exit.Exit<unknown, PusherError>) =>
      Option.exists(
        Exit.findErrorOption(exit),
        (error) => error._tag === "HttpError" && Batch.isolates(size, error.status)
      )

    const post = (batch: ReadonlyArray<Entry>) =>
      Effect.suspend(() => {
        stats.requests++
        stats.events += batch.length
        const body = Events.batchBody(batch.map((entry) => entry.event))
        return Effect.map(
          Client.send(requestContext, "POST", path, [], body, Results.decodeBatch),
          (answer) => answer.batch
        )
      })

    /**
     * Posts a batch, retried only when every one of its events was triggered under a policy that retries
     * writes (with the waits of its first event's policy), within the latest deadline of its callers: past
     * it, nobody waits for the answer.
     */
    const attempt = (batch: ReadonlyArray<Entry>) => {
      const first = batch[0]?.policy
      if (first === undefined || batch.some((entry) => entry.policy === undefined)) return post(batch)
      let deadline = 0
      for (const entry of batch) deadline = Math.max(deadline, entry.deadline)
      const budget = deadline - clock.currentTimeMillisUnsafe()
      return budget <= 0 ? post(batch) : Retry.retrying(
        first,
        true,
        Duration.millis(budget),
        (attempts) => Retry.timeoutError("POST", path, batch[0]?.timeout ?? Duration.millis(budget), attempts),
        post(batch)
      )
    }

    /**
     * Sends one batch. A 400 or 413 for a batch of several events may be caused by any one of them (the
     * server does not say which), so each event is then sent alone, one after the other (keeping each
     * channel's order and the in-flight bound), and gets its own answer. Whatever ends the send (a defect of
     * the client, an interruption), every caller is resumed.
     */
    const send = (batch: ReadonlyArray<Entry>): Effect.Effect<void> =>
      Effect.exit(attempt(batch)).pipe(
        Effect.flatMap((exit) => {
          if (isolates(batch.length, exit)) {
            stats.isolated++
            return Effect.forEach(
              batch,
              (entry) => Effect.map(Effect.exit(attempt([entry])), (one) => settle([entry], one)),
              { discard: true }
            )
          }
          return Effect.sync(() => settle(batch, exit))
        }),
        Effect.onExit((exit) =>
          Effect.sync(() => settle(batch, Exit.isSuccess(exit) ? Exit.succeed(undefined) : Exit.failCause(exit.cause)))
        ),
        Effect.ensuring(Effect.sync(() => {
          if (ordered) {
            for (const entry of batch) {
              const count = (busy.get(entry.event.channel) ?? 1) - 1
              if (count === 0) busy.delete(entry.event.channel)
              else busy.set(entry.event.channel, count)
            }
          }
          if (queued() > 0) signal()
          Queue.offerUnsafe(progress, undefined)
        })),
        Effect.ensuring(inFlight.release(1))
      )

    // The batch is taken once a request may start: while every permit is in use, the queue grows into full
    // batches instead of a line of small ones.
    const drain: Effect.Effect<void> = Effect.suspend(() =>
      queued() === 0 ? Effect.void : inFlight.take(1).pipe(
        Effect.andThen(Effect.suspend(() => {
          const batch = takeBatch()
          return batch.length === 0
            ? inFlight.release(1)
            : Effect.andThen(FiberSet.run(sends, send(batch)), drain)
        }))
      )
    )

    // How long a burst may grow: to the end of the tick, or `maxWait` cut short once a batch is full.
    const waits = !Duration.isZero(options.maxWait)
    const full = yield* Queue.sliding<void>(1)
    const pause = waits
      ? Effect.suspend(() => {
        // A signal left from an earlier burst says nothing about this one.
        Queue.takeUnsafe(full)
        return queued() >= options.maxBatch
          ? Effect.void
          : Effect.raceFirst(Effect.sleep(options.maxWait), Queue.take(full))
      })
      : Effect.yieldNow

    yield* Effect.forkScoped(Effect.forever(
      Queue.take(wake).pipe(
        Effect.andThen(pause),
        Effect.andThen(Effect.sync(() => {
          awake = false
        })),
        Effect.andThen(drain)
      )
    ))

    // On shutdown: send what is queued (and what comes meanwhile), in rounds (in ordered mode, events of a
    // channel with a batch in flight wait for it) until nothing is queued nor in flight; only then refuse new
    // events. Deadlines still hold meanwhile: the timer fiber stops after this finalizer.
    const finish: Effect.Effect<void> = Effect.suspend(() =>
      queued() === 0
        ? inFlight.withPermits(options.maxInFlight)(Effect.sync(() => {
          if (queued() === 0) state = "closed"
        })).pipe(Effect.andThen(Effect.suspend(() => state === "closed" ? Effect.void : finish)))
        : drain.pipe(
          Effect.andThen(Effect.suspend(() => queued() === 0 ? Effect.void : Queue.take(progress))),
          Effect.andThen(finish)
        )
    )
    yield* Effect.addFinalizer(() =>
      Effect.suspend(() => {
        state = "closing"
        return finish
      })
    )

    // An interrupted caller's canceler drops its event if it has not left the queue; one already in a batch in
    // flight is sent anyway (a request cannot be taken back). The Effect 3 line asks the caller's fiber instead,
    // because its canceler cost about as much as the rest of the wait; Effect 4's does not: a bare `forEach`
    // (concurrency 200) over waits resumed ten at a time, canceler vs asking the fiber, median 1.95–2.72 vs
    // 1.82–2.28 µs of CPU per event, within the noise (Node 20, shared 2-CPU machine at load 16–17).
    const enqueue = (event: Events.WireEvent, timeout: Duration.Duration, policy: PusherRetry.Installed | undefined) =>
      Effect.callback<Attributes | undefined, PusherError>((resume) => {
        const entry: Entry = {
          event,
          resume,
          taken: false,
          cancelled: false,
          settled: false,
          deadline: clock.currentTimeMillisUnsafe() + Duration.toMillis(timeout),
          timeout,
          policy
        }
        addWaiting(entry)
        pending.push(entry)
        signal()
        if (waits && queued() >= options.maxBatch) Queue.offerUnsafe(full, undefined)
        return Effect.sync(() => {
          // The caller is gone: its queued event is dropped, and there is nobody left to resume.
          if (!entry.taken) entry.cancelled = true
          entry.settled = true
        })
      })

    const submit = (
      event: Events.WireEvent,
      timeout: Duration.Duration,
      policy?: PusherRetry.Installed | undefined
    ): Effect.Effect<Attributes | undefined, PusherError> =>
      state === "closed" ? Effect.fail(closedError) : enqueue(event, timeout, policy)

    return { requestContext, submit, stats } satisfies Batcher
  })
