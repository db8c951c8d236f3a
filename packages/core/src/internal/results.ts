import * as Schema from "effect/Schema"

// The answer schemas shared by Pusher.ts and the batcher (which Pusher.ts imports), published by Pusher.ts.

/** @internal */
export const ChannelAttributes = Schema.Struct({
  subscriptionCount: Schema.optional(Schema.NonNegativeInt).pipe(Schema.fromKey("subscription_count")),
  userCount: Schema.optional(Schema.NonNegativeInt).pipe(Schema.fromKey("user_count"))
})

/** @internal */
export const TriggerBatchResult = Schema.Struct({
  batch: Schema.optional(Schema.Array(ChannelAttributes))
})
