/**
 * MD5 (RFC 1321) in plain JavaScript: the `body_md5` of a signed request.
 *
 * MD5 is broken as a signature, and the protocol does not use it as one: the body's MD5 is one of the signed
 * query parameters, so the HMAC-SHA256 signature covers the body through it. The portable crypto service
 * hashed with `@noble/hashes`' `md5`; this module takes its place for 1.3 KB less gzipped in the trigger and
 * authorize Worker of `pnpm check:size`, with no object per call for bodies up to {@link scratchBytes}.
 * Hashes per CPU-second against `@noble/hashes` (`pnpm bench:fastpaths MD5`, Node 20, medians of 5, two runs
 * at load 16-19 on 2 CPUs): 100 B 2.8-2.9×, 1 KB 2.0-2.1×, 10 KB 1.9-2.0×; node:crypto's `hash` is
 * 7.0-8.5×, so `NodePusherCrypto` keeps it.
 *
 * @since 0.1.0
 */
import * as Encoding from "./Encoding.js"

/**
 * The longest UTF-8 encoding (3 bytes per UTF-16 unit, and the padding) hashed in the module's own buffer;
 * a longer message gets a buffer of its own for the call.
 *
 * @since 0.1.0
 * @category constants
 */
export const scratchBytes = 65536

// RFC 1321 §3.4: K[i] is the integer part of 2^32 × |sin(i + 1)|, computed as the RFC defines it rather than
// written out (64 constants are 0.35 KB gzipped). Math.sin is only approximated by the language, but every
// 2^32 × |sin(i + 1)| is at least 0.0154 from an integer, so an engine would have to miss by about 2^15 ulps to
// change one; the known answers in the tests would show it, on every runtime `test:runtimes` signs on.
const K = Int32Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 0x100000000))

// RFC 1321 §3.4: the left rotations, four per round.
const S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]

// The state, the block as words and the message's buffer, shared: JavaScript runs one call at a time and
// no call re-enters another.
const state = new Int32Array(4)
const X = new Int32Array(16)
let scratch = new Uint8Array(0)

/** One MD5 compression of the 64 bytes at `offset` into `state`. */
const compress = (bytes: Uint8Array, offset: number): void => {
  for (let i = 0; i < 16; i++) {
    const j = offset + i * 4
    X[i] = bytes[j]! | (bytes[j + 1]! << 8) | (bytes[j + 2]! << 16) | (bytes[j + 3]! << 24)
  }
  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!
  for (let i = 0; i < 64; i++) {
    const round = i >>> 4
    const f = round === 0
      ? (b & c) | (~b & d)
      : round === 1
      ? (d & b) | (~d & c)
      : round === 2
      ? b ^ c ^ d
      : c ^ (b | ~d)
    const g = round === 0 ? i : round === 1 ? (5 * i + 1) & 15 : round === 2 ? (3 * i + 5) & 15 : (7 * i) & 15
    const t = (a + f + K[i]! + X[g]!) | 0
    const s = S[(round << 2) | (i & 3)]!
    a = d
    d = c
    c = b
    b = (b + ((t << s) | (t >>> (32 - s)))) | 0
  }
  state[0] = (state[0]! + a) | 0
  state[1] = (state[1]! + b) | 0
  state[2] = (state[2]! + c) | 0
  state[3] = (state[3]! + d) | 0
}

/** A state word as the hex of its bytes, least significant first (RFC 1321 §3.5). */
const wordHex = (word: number): string =>
  (((word & 0xff) << 24 | (word & 0xff00) << 8 | (word >>> 8) & 0xff00 | word >>> 24) >>> 0).toString(16)
    .padStart(8, "0")

/**
 * The MD5 of a string's UTF-8 bytes (a lone surrogate is U+FFFD, as every `TextEncoder` and node's `Buffer`
 * encode it), in lowercase hex.
 *
 * @since 0.1.0
 * @category hashing
 */
export const md5Hex = (message: string): string => {
  // Room for the longest encoding and the padding (RFC 1321 §3.1-3.2: 0x80, zeros, the length in 8 bytes).
  const room = message.length * 3 + 72
  let bytes = scratch
  if (room > bytes.length) {
    bytes = new Uint8Array(room)
    if (room <= scratchBytes) scratch = bytes
  }
  const length = Encoding.utf8EncodeInto(message, bytes)
  const end = ((length + 9 + 63) >>> 6) << 6
  bytes[length] = 0x80
  bytes.fill(0, length + 1, end)
  // Lengths here stay far below 2^53 bits: the high word is the quotient, the low word the remainder.
  const bits = length * 8
  const high = Math.floor(bits / 0x100000000)
  bytes[end - 8] = bits
  bytes[end - 7] = bits >>> 8
  bytes[end - 6] = bits >>> 16
  bytes[end - 5] = bits >>> 24
  bytes[end - 4] = high
  bytes[end - 3] = high >>> 8
  bytes[end - 2] = high >>> 16
  bytes[end - 1] = high >>> 24
  state[0] = 0x67452301
  state[1] = 0xefcdab89
  state[2] = 0x98badcfe
  state[3] = 0x10325476
  for (let offset = 0; offset < end; offset += 64) compress(bytes, offset)
  return wordHex(state[0]!) + wordHex(state[1]!) + wordHex(state[2]!) + wordHex(state[3]!)
}
