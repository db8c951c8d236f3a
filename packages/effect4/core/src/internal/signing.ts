import type * as Signing from "@effect-pusher/protocol/Signing"
import type * as Webhook from "@effect-pusher/protocol/Webhook"
import * as Redacted from "effect/Redacted"
import type * as PusherConfig from "../PusherConfig.js"
import type * as PusherCrypto from "../PusherCrypto.js"

interface Signers {
  readonly crypto: PusherCrypto.Service
  readonly request: Signing.RequestSigner
  /** Every key whose webhooks are accepted, with the signers of its secrets (the app's first). */
  readonly webhook: Webhook.Verifier
}

// One set of prepared HMAC keys per (config, crypto) pair: preparing a key costs more than signing.
const cache = new WeakMap<PusherConfig.Service, Signers>()

const prepare = (config: PusherConfig.Service, crypto: PusherCrypto.Service): Signers => {
  const cached = cache.get(config)
  if (cached !== undefined && cached.crypto === crypto) return cached
  const sign = crypto.hmacSha256Hex(Redacted.value(config.secret))
  const webhook = new Map<string, Array<Signing.Sign>>([[config.key, [sign]]])
  for (const token of config.webhookTokens) {
    const tokenSign = crypto.hmacSha256Hex(Redacted.value(token.secret))
    const list = webhook.get(token.key)
    if (list === undefined) webhook.set(token.key, [tokenSign])
    else list.push(tokenSign)
  }
  const signers: Signers = {
    crypto,
    request: { key: config.key, sign, md5Hex: crypto.md5Hex },
    webhook: { signers: webhook, timingSafeEqual: crypto.timingSafeEqual }
  }
  cache.set(config, signers)
  return signers
}

/** @internal The signer of the app secret. */
export const signer = (config: PusherConfig.Service, crypto: PusherCrypto.Service): Signing.Sign =>
  prepare(config, crypto).request.sign

/** @internal What request signing needs: key, secret signer and MD5. */
export const requestSigner = (config: PusherConfig.Service, crypto: PusherCrypto.Service): Signing.RequestSigner =>
  prepare(config, crypto).request

/** @internal What webhook verification needs: the signers of every accepted key, and a constant-time compare. */
export const webhookVerifier = (config: PusherConfig.Service, crypto: PusherCrypto.Service): Webhook.Verifier =>
  prepare(config, crypto).webhook
