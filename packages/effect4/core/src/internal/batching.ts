import * as Batch from "@effect-pusher/protocol/Batch"
import type * as Batcher from "./batcher.js"

// The opaque `PusherBatching.Service` and the batcher behind it: the store is protocol's `Batch.handles`, shared
// by both Effect lines; only the batcher's type is this line's.

/** @internal The public face of a batcher: opaque. */
export type Handle = Batch.Handle

const store = /* @__PURE__ */ Batch.handles<Batcher.Batcher>()

/** @internal A handle for `batcher`. */
export const handle: (batcher: Batcher.Batcher) => Handle = store.make

/** @internal The batcher behind a handle made by {@link handle}. */
export const batcherOf: (value: Handle) => Batcher.Batcher | undefined = store.get
