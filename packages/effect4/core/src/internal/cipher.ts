import type * as Encryption from "@effect-pusher/protocol/encryption"
import { xsalsa20poly1305 } from "@noble/ciphers/salsa.js"

// The cipher of encrypted channels, in a module of its own that a trigger imports on first use (see
// `Encryption.withEncryption`), so a program that never encrypts an event never loads it (webhook
// verification imports it statically, to stay synchronous). It imports nothing else: a bundler that inlines the dynamic
// import wraps this module and its imports for lazy evaluation, which keeps all their code (with
// effect/Either imported here, the one-file Worker of `pnpm check:size` grew by 6 KB gzipped; with the
// protocol's seal and open moved here, the split one grew by 0.7 KB, its shared chunk getting them).

/**
 * @internal NaCl's secretbox (XSalsa20-Poly1305) from `@noble/ciphers`: ESM and audited; its output is
 * byte for byte tweetnacl's `secretbox`, which pusher-js and
 * pusher-http-node use (Encryption.cipher.test.ts, on many random inputs).
 */
export const cipher: Encryption.Cipher = {
  seal: (message, nonce, key) => xsalsa20poly1305(key, nonce).encrypt(message),
  open: (box, nonce, key) => {
    // noble refuses a box that does not authenticate by throwing; the protocol's cipher answers null.
    try {
      return xsalsa20poly1305(key, nonce).decrypt(box)
    } catch {
      return null
    }
  }
}
