import { createHmac } from "node:crypto"

/**
 * The `X-Pusher-Signature` of a webhook body (SPEC §4): the hex HMAC-SHA256 of the raw body under the
 * secret, computed with node:crypto, independently of the library under test.
 */
export const webhookSignature = (secret: string, body: string): string =>
  createHmac("sha256", secret).update(body).digest("hex")

/** The headers Channels sends with a webhook `body`, signed with the app's key and secret. */
export const signedWebhookHeaders = (
  body: string,
  app: { readonly key: string; readonly secret: string }
) => ({
  "content-type": "application/json",
  "x-pusher-key": app.key,
  "x-pusher-signature": webhookSignature(app.secret, body)
})
