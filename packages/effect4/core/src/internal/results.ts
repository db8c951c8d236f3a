import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Client from "./client.js"

// Every answer schema of the REST API, and the decoders compiled from them; `Pusher.ts` publishes the schemas.
// Every call is marked pure, the inner ones too: a bundler drops an unused pure call only if its arguments
// are free of side effects, so a Worker that only triggers keeps `TriggerResult` and drops the others
// (`pnpm check:size`: +19.5 → +18.8 KB gzipped loaded).

// The fields of `ChannelAttributes`, also fields of `ChannelResult`: named once each, since a spread of
// `ChannelAttributes.fields` reads properties, which a bundler cannot prove free of side effects.
const subscriptionCount = /* @__PURE__ */ Schema.optional(Schema.NonNegativeInt).pipe(
  /* @__PURE__ */ Schema.fromKey("subscription_count")
)
const userCount = /* @__PURE__ */ Schema.optional(Schema.NonNegativeInt).pipe(
  /* @__PURE__ */ Schema.fromKey("user_count")
)

/** @internal */
export const ChannelAttributes = /* @__PURE__ */ Schema.Struct({ subscriptionCount, userCount })

/** @internal Per-channel attributes, as decoded. */
export type ChannelAttributes = Schema.Schema.Type<typeof ChannelAttributes>

/** @internal */
export const TriggerResult = /* @__PURE__ */ Schema.Struct({
  channels: /* @__PURE__ */ Schema.optional(
    /* @__PURE__ */ Schema.Record({ key: Schema.String, value: ChannelAttributes })
  )
})

/** @internal */
export type TriggerResult = Schema.Schema.Type<typeof TriggerResult>

/** @internal */
export const TriggerBatchResult = /* @__PURE__ */ Schema.Struct({
  batch: /* @__PURE__ */ Schema.optional(/* @__PURE__ */ Schema.Array(ChannelAttributes))
})

/** @internal */
export type TriggerBatchResult = Schema.Schema.Type<typeof TriggerBatchResult>

/** @internal */
export const ChannelsResult = /* @__PURE__ */ Schema.Struct({
  channels: /* @__PURE__ */ Schema.Record({ key: Schema.String, value: ChannelAttributes })
})

/**
 * `cache` is absent unless asked for; an empty cache channel answers `"cache": null` (as the docs say),
 * which decodes as absent too, so the type stays `cache?: { data, ttl }`.
 *
 * @internal
 */
export const ChannelResult = /* @__PURE__ */ Schema.Struct({
  occupied: Schema.Boolean,
  subscriptionCount,
  userCount,
  cache: /* @__PURE__ */ Schema.optionalWith(
    /* @__PURE__ */ Schema.Struct({ data: Schema.String, ttl: Schema.Number }),
    {
      nullable: true
    }
  )
})

/** @internal */
export const User = /* @__PURE__ */ Schema.Struct({ id: Schema.String })

/** @internal */
export const UsersResult = /* @__PURE__ */ Schema.Struct({ users: /* @__PURE__ */ Schema.Array(User) })

/** @internal */
export const decodeTrigger = /* @__PURE__ */ Client.decoder(TriggerResult)
/** @internal */
export const decodeBatch = /* @__PURE__ */ Client.decoder(TriggerBatchResult)
/** @internal */
export const decodeChannels = /* @__PURE__ */ Client.decoder(ChannelsResult)
/** @internal */
export const decodeChannel = /* @__PURE__ */ Client.decoder(ChannelResult)
/** @internal */
export const decodeUsers = /* @__PURE__ */ Client.decoder(UsersResult)
/** @internal */
export const decodeAnything = /* @__PURE__ */ Client.decoder(Schema.Unknown)
/** @internal An answer whose body carries nothing the caller needs. */
export const ignoreBody: Client.Decoder<void> = () => Either.void
