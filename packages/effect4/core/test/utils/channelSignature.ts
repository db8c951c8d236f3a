import type { PusherConfig, PusherCrypto } from "@effect-pusher/core"
import * as ProtocolSigning from "@effect-pusher/protocol/Signing"
import * as CoreSigning from "../../src/internal/signing.js"

/** The `auth` signature of a channel subscription (SPEC §3), from the library's own signer and the protocol rule. */
export const channelSignature = (
  config: PusherConfig.Service,
  crypto: PusherCrypto.Service,
  socketId: string,
  channel: string,
  channelData: string | undefined
) => ProtocolSigning.channelAuth(config.key, CoreSigning.signer(config, crypto), socketId, channel, channelData)
