import type * as Batcher from "./batcher.js"

/**
 * What tells a `PusherBatching.Service` apart: a symbol users cannot name, so that a value of that type can
 * only come from `PusherBatching.layer`.
 *
 * @internal
 */
export const TypeId: unique symbol = Symbol.for("@effect-pusher/core/PusherBatching")

/** @internal */
export type TypeId = typeof TypeId

/**
 * The public face of a batcher: opaque.
 *
 * @internal
 */
export interface Handle {
  readonly [TypeId]: TypeId
}

// The batcher behind each handle: the public type carries no internals, and reading it needs no cast.
const batchers = new WeakMap<Handle, Batcher.Batcher>()

/** @internal A handle for `batcher`. */
export const handle = (batcher: Batcher.Batcher): Handle => {
  const value: Handle = { [TypeId]: TypeId }
  batchers.set(value, batcher)
  return value
}

/** @internal The batcher behind a handle made by {@link handle}. */
export const batcherOf = (value: Handle): Batcher.Batcher | undefined => batchers.get(value)
