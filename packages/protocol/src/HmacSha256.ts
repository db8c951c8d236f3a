/**
 * HMAC-SHA256 (RFC 2104, FIPS 180-4) in plain JavaScript, with the key's inner and outer pads hashed once.
 *
 * Signing is on every hot path (channel authorization, request signing, webhook verification) and most of
 * what is signed is short: `socket_id:channel` is 20-60 bytes, a presence authorization 60-150, a request
 * signature about 170. Native implementations pay a fixed cost per call (an object, a trip into C++, a
 * `Buffer`) that dwarfs hashing a few blocks, and they re-hash the key's pads on every message. Here a message
 * of up to {@link shortMessageBytes} UTF-8 bytes costs two to four compressions of the prepared state and
 * nothing else. Measured on Node 20 (CPU µs per call, median of 21 interleaved rounds, a shared 2-CPU machine
 * at load 4-5), this against node's two one-shot `crypto.hash` calls over the prepared pads (what
 * `NodePusherCrypto` uses for longer messages) and `createHmac` with a prepared `KeyObject`: 24 B 1.18 against
 * 2.76 and 2.73 (2.33× the hashes), 78 B 1.71 against 2.68 and 2.88 (1.61×), 170 B 1.73 against 2.70 and 2.40
 * (1.42×), 183 B 1.54×; 184-247 B (four compressions) 1.14-1.17×; 300 B 1.00×: so longer messages go to the
 * caller's own implementation.
 *
 * @since 0.1.0
 */
import * as Encoding from "./Encoding.js"

/**
 * The longest message, in UTF-8 bytes, signed here rather than by the caller's implementation for long
 * messages: three blocks of message after the key's pad (64 × 3 − 9 bytes of padding), where this is clearly
 * ahead (see the module's figures).
 *
 * @since 0.1.0
 * @category constants
 */
export const shortMessageBytes = 183

// FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes,
// computed as the standard defines them rather than written out (0.6 KB less gzipped in the Worker of
// `pnpm check:size`). Each is at least 0.0247 from an integer once scaled by 2^32, so a cube root would have
// to be off by about 6,500 ulps to change a bit; the tests compare every digest with node:crypto's.
const primes: Array<number> = []
for (let n = 2; primes.length < 64; n++) if (primes.every((p) => n % p !== 0)) primes.push(n)
const K = Int32Array.from(primes, (p) => (Math.cbrt(p) % 1) * 0x100000000)

// FIPS 180-4 §5.3.3: the initial hash value, the first 32 bits of the fractional parts of the square roots of
// the first 8 primes, computed as K is (each is at least 0.0055 from an integer once scaled: about 1,400 ulps).
const initial = Int32Array.from(primes.slice(0, 8), (p) => (Math.sqrt(p) % 1) * 0x100000000)

// The message schedule, shared: JavaScript runs one call at a time and no call re-enters another.
const W = new Int32Array(64)

const loadBlock = (bytes: Uint8Array, offset: number): void => {
  for (let i = 0; i < 16; i++) {
    const j = offset + i * 4
    W[i] = (bytes[j]! << 24) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 8) | bytes[j + 3]!
  }
}

type Compress = (state: Int32Array) => void

/** One SHA-256 compression of the block in `W[0..16)` into `state`. */
const compress: Compress = (state) => {
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15]!
    const w2 = W[i - 2]!
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3)
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10)
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0
  }
  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!
  let e = state[4]!, f = state[5]!, g = state[6]!, h = state[7]!
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0
    h = g
    g = f
    f = e
    e = (d + t1) | 0
    d = c
    c = b
    b = a
    a = (t1 + t2) | 0
  }
  addInto(state, a, b, c, d, e, f, g, h)
}

// The last step of a compression: the working variables added into the state (small enough to be inlined).
const addInto = (
  state: Int32Array,
  a: number,
  b: number,
  c: number,
  d: number,
  e: number,
  f: number,
  g: number,
  h: number
): void => {
  state[0] = (state[0]! + a) | 0
  state[1] = (state[1]! + b) | 0
  state[2] = (state[2]! + c) | 0
  state[3] = (state[3]! + d) | 0
  state[4] = (state[4]! + e) | 0
  state[5] = (state[5]! + f) | 0
  state[6] = (state[6]! + g) | 0
  state[7] = (state[7]! + h) | 0
}

/**
 * One SHA-256 compression (FIPS 180-4 §6.2.2) of the block in `W[0..16)` into `state`, 16 rounds per turn of the
 * loop. The message schedule lives in 16 local variables, each word replaced in place by the one 16 rounds
 * later (`w[t] = σ1(w[t-2]) + w[t-7] + σ0(w[t-15]) + w[t-16]`), and the rounds rename the working variables
 * instead of shifting them (round j's `a` is round j+1's `b`...), so the loop body touches no array but `K`.
 * Against {@link compress}: HMAC of 24 B and 78 B, median of 41 interleaved rounds of CPU time, 1.09-1.14× and
 * 1.12-1.15× (a fully unrolled version with a 64-word array 1.00×: the locals are the gain), for 1.1 KB more
 * gzipped, which is why only {@link prepareUnrolled} uses it. `Ch(e, f, g)` is `g ^ e & (f ^ g)` and
 * `Maj(a, b, c)` is `a & b | c & (a | b)`: the same bits with one operation fewer each.
 * `x + y | 0` is `(x + y) | 0`: `|` binds last.
 */
// dprint-ignore
const compressUnrolled: Compress = (state) => {
  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!
  let e = state[4]!, f = state[5]!, g = state[6]!, h = state[7]!
  let w0 = W[0]!, w1 = W[1]!, w2 = W[2]!, w3 = W[3]!, w4 = W[4]!, w5 = W[5]!, w6 = W[6]!, w7 = W[7]!
  let w8 = W[8]!, w9 = W[9]!, w10 = W[10]!, w11 = W[11]!, w12 = W[12]!, w13 = W[13]!, w14 = W[14]!, w15 = W[15]!
  let t: number
  for (let k = 0; ;) {
    t = h + ((e >>> 6 | e << 26) ^ (e >>> 11 | e << 21) ^ (e >>> 25 | e << 7)) + (g ^ e & (f ^ g)) + K[k++]! + w0 | 0
    d = d + t | 0
    h = t + ((a >>> 2 | a << 30) ^ (a >>> 13 | a << 19) ^ (a >>> 22 | a << 10)) + (a & b | c & (a | b)) | 0
    t = g + ((d >>> 6 | d << 26) ^ (d >>> 11 | d << 21) ^ (d >>> 25 | d << 7)) + (f ^ d & (e ^ f)) + K[k++]! + w1 | 0
    c = c + t | 0
    g = t + ((h >>> 2 | h << 30) ^ (h >>> 13 | h << 19) ^ (h >>> 22 | h << 10)) + (h & a | b & (h | a)) | 0
    t = f + ((c >>> 6 | c << 26) ^ (c >>> 11 | c << 21) ^ (c >>> 25 | c << 7)) + (e ^ c & (d ^ e)) + K[k++]! + w2 | 0
    b = b + t | 0
    f = t + ((g >>> 2 | g << 30) ^ (g >>> 13 | g << 19) ^ (g >>> 22 | g << 10)) + (g & h | a & (g | h)) | 0
    t = e + ((b >>> 6 | b << 26) ^ (b >>> 11 | b << 21) ^ (b >>> 25 | b << 7)) + (d ^ b & (c ^ d)) + K[k++]! + w3 | 0
    a = a + t | 0
    e = t + ((f >>> 2 | f << 30) ^ (f >>> 13 | f << 19) ^ (f >>> 22 | f << 10)) + (f & g | h & (f | g)) | 0
    t = d + ((a >>> 6 | a << 26) ^ (a >>> 11 | a << 21) ^ (a >>> 25 | a << 7)) + (c ^ a & (b ^ c)) + K[k++]! + w4 | 0
    h = h + t | 0
    d = t + ((e >>> 2 | e << 30) ^ (e >>> 13 | e << 19) ^ (e >>> 22 | e << 10)) + (e & f | g & (e | f)) | 0
    t = c + ((h >>> 6 | h << 26) ^ (h >>> 11 | h << 21) ^ (h >>> 25 | h << 7)) + (b ^ h & (a ^ b)) + K[k++]! + w5 | 0
    g = g + t | 0
    c = t + ((d >>> 2 | d << 30) ^ (d >>> 13 | d << 19) ^ (d >>> 22 | d << 10)) + (d & e | f & (d | e)) | 0
    t = b + ((g >>> 6 | g << 26) ^ (g >>> 11 | g << 21) ^ (g >>> 25 | g << 7)) + (a ^ g & (h ^ a)) + K[k++]! + w6 | 0
    f = f + t | 0
    b = t + ((c >>> 2 | c << 30) ^ (c >>> 13 | c << 19) ^ (c >>> 22 | c << 10)) + (c & d | e & (c | d)) | 0
    t = a + ((f >>> 6 | f << 26) ^ (f >>> 11 | f << 21) ^ (f >>> 25 | f << 7)) + (h ^ f & (g ^ h)) + K[k++]! + w7 | 0
    e = e + t | 0
    a = t + ((b >>> 2 | b << 30) ^ (b >>> 13 | b << 19) ^ (b >>> 22 | b << 10)) + (b & c | d & (b | c)) | 0
    t = h + ((e >>> 6 | e << 26) ^ (e >>> 11 | e << 21) ^ (e >>> 25 | e << 7)) + (g ^ e & (f ^ g)) + K[k++]! + w8 | 0
    d = d + t | 0
    h = t + ((a >>> 2 | a << 30) ^ (a >>> 13 | a << 19) ^ (a >>> 22 | a << 10)) + (a & b | c & (a | b)) | 0
    t = g + ((d >>> 6 | d << 26) ^ (d >>> 11 | d << 21) ^ (d >>> 25 | d << 7)) + (f ^ d & (e ^ f)) + K[k++]! + w9 | 0
    c = c + t | 0
    g = t + ((h >>> 2 | h << 30) ^ (h >>> 13 | h << 19) ^ (h >>> 22 | h << 10)) + (h & a | b & (h | a)) | 0
    t = f + ((c >>> 6 | c << 26) ^ (c >>> 11 | c << 21) ^ (c >>> 25 | c << 7)) + (e ^ c & (d ^ e)) + K[k++]! + w10 | 0
    b = b + t | 0
    f = t + ((g >>> 2 | g << 30) ^ (g >>> 13 | g << 19) ^ (g >>> 22 | g << 10)) + (g & h | a & (g | h)) | 0
    t = e + ((b >>> 6 | b << 26) ^ (b >>> 11 | b << 21) ^ (b >>> 25 | b << 7)) + (d ^ b & (c ^ d)) + K[k++]! + w11 | 0
    a = a + t | 0
    e = t + ((f >>> 2 | f << 30) ^ (f >>> 13 | f << 19) ^ (f >>> 22 | f << 10)) + (f & g | h & (f | g)) | 0
    t = d + ((a >>> 6 | a << 26) ^ (a >>> 11 | a << 21) ^ (a >>> 25 | a << 7)) + (c ^ a & (b ^ c)) + K[k++]! + w12 | 0
    h = h + t | 0
    d = t + ((e >>> 2 | e << 30) ^ (e >>> 13 | e << 19) ^ (e >>> 22 | e << 10)) + (e & f | g & (e | f)) | 0
    t = c + ((h >>> 6 | h << 26) ^ (h >>> 11 | h << 21) ^ (h >>> 25 | h << 7)) + (b ^ h & (a ^ b)) + K[k++]! + w13 | 0
    g = g + t | 0
    c = t + ((d >>> 2 | d << 30) ^ (d >>> 13 | d << 19) ^ (d >>> 22 | d << 10)) + (d & e | f & (d | e)) | 0
    t = b + ((g >>> 6 | g << 26) ^ (g >>> 11 | g << 21) ^ (g >>> 25 | g << 7)) + (a ^ g & (h ^ a)) + K[k++]! + w14 | 0
    f = f + t | 0
    b = t + ((c >>> 2 | c << 30) ^ (c >>> 13 | c << 19) ^ (c >>> 22 | c << 10)) + (c & d | e & (c | d)) | 0
    t = a + ((f >>> 6 | f << 26) ^ (f >>> 11 | f << 21) ^ (f >>> 25 | f << 7)) + (h ^ f & (g ^ h)) + K[k++]! + w15 | 0
    e = e + t | 0
    a = t + ((b >>> 2 | b << 30) ^ (b >>> 13 | b << 19) ^ (b >>> 22 | b << 10)) + (b & c | d & (b | c)) | 0
    if (k === 64) break
    w0 = w0 + ((w1 >>> 7 | w1 << 25) ^ (w1 >>> 18 | w1 << 14) ^ w1 >>> 3) + w9 | 0
    w0 = w0 + ((w14 >>> 17 | w14 << 15) ^ (w14 >>> 19 | w14 << 13) ^ w14 >>> 10) | 0
    w1 = w1 + ((w2 >>> 7 | w2 << 25) ^ (w2 >>> 18 | w2 << 14) ^ w2 >>> 3) + w10 | 0
    w1 = w1 + ((w15 >>> 17 | w15 << 15) ^ (w15 >>> 19 | w15 << 13) ^ w15 >>> 10) | 0
    w2 = w2 + ((w3 >>> 7 | w3 << 25) ^ (w3 >>> 18 | w3 << 14) ^ w3 >>> 3) + w11 | 0
    w2 = w2 + ((w0 >>> 17 | w0 << 15) ^ (w0 >>> 19 | w0 << 13) ^ w0 >>> 10) | 0
    w3 = w3 + ((w4 >>> 7 | w4 << 25) ^ (w4 >>> 18 | w4 << 14) ^ w4 >>> 3) + w12 | 0
    w3 = w3 + ((w1 >>> 17 | w1 << 15) ^ (w1 >>> 19 | w1 << 13) ^ w1 >>> 10) | 0
    w4 = w4 + ((w5 >>> 7 | w5 << 25) ^ (w5 >>> 18 | w5 << 14) ^ w5 >>> 3) + w13 | 0
    w4 = w4 + ((w2 >>> 17 | w2 << 15) ^ (w2 >>> 19 | w2 << 13) ^ w2 >>> 10) | 0
    w5 = w5 + ((w6 >>> 7 | w6 << 25) ^ (w6 >>> 18 | w6 << 14) ^ w6 >>> 3) + w14 | 0
    w5 = w5 + ((w3 >>> 17 | w3 << 15) ^ (w3 >>> 19 | w3 << 13) ^ w3 >>> 10) | 0
    w6 = w6 + ((w7 >>> 7 | w7 << 25) ^ (w7 >>> 18 | w7 << 14) ^ w7 >>> 3) + w15 | 0
    w6 = w6 + ((w4 >>> 17 | w4 << 15) ^ (w4 >>> 19 | w4 << 13) ^ w4 >>> 10) | 0
    w7 = w7 + ((w8 >>> 7 | w8 << 25) ^ (w8 >>> 18 | w8 << 14) ^ w8 >>> 3) + w0 | 0
    w7 = w7 + ((w5 >>> 17 | w5 << 15) ^ (w5 >>> 19 | w5 << 13) ^ w5 >>> 10) | 0
    w8 = w8 + ((w9 >>> 7 | w9 << 25) ^ (w9 >>> 18 | w9 << 14) ^ w9 >>> 3) + w1 | 0
    w8 = w8 + ((w6 >>> 17 | w6 << 15) ^ (w6 >>> 19 | w6 << 13) ^ w6 >>> 10) | 0
    w9 = w9 + ((w10 >>> 7 | w10 << 25) ^ (w10 >>> 18 | w10 << 14) ^ w10 >>> 3) + w2 | 0
    w9 = w9 + ((w7 >>> 17 | w7 << 15) ^ (w7 >>> 19 | w7 << 13) ^ w7 >>> 10) | 0
    w10 = w10 + ((w11 >>> 7 | w11 << 25) ^ (w11 >>> 18 | w11 << 14) ^ w11 >>> 3) + w3 | 0
    w10 = w10 + ((w8 >>> 17 | w8 << 15) ^ (w8 >>> 19 | w8 << 13) ^ w8 >>> 10) | 0
    w11 = w11 + ((w12 >>> 7 | w12 << 25) ^ (w12 >>> 18 | w12 << 14) ^ w12 >>> 3) + w4 | 0
    w11 = w11 + ((w9 >>> 17 | w9 << 15) ^ (w9 >>> 19 | w9 << 13) ^ w9 >>> 10) | 0
    w12 = w12 + ((w13 >>> 7 | w13 << 25) ^ (w13 >>> 18 | w13 << 14) ^ w13 >>> 3) + w5 | 0
    w12 = w12 + ((w10 >>> 17 | w10 << 15) ^ (w10 >>> 19 | w10 << 13) ^ w10 >>> 10) | 0
    w13 = w13 + ((w14 >>> 7 | w14 << 25) ^ (w14 >>> 18 | w14 << 14) ^ w14 >>> 3) + w6 | 0
    w13 = w13 + ((w11 >>> 17 | w11 << 15) ^ (w11 >>> 19 | w11 << 13) ^ w11 >>> 10) | 0
    w14 = w14 + ((w15 >>> 7 | w15 << 25) ^ (w15 >>> 18 | w15 << 14) ^ w15 >>> 3) + w7 | 0
    w14 = w14 + ((w12 >>> 17 | w12 << 15) ^ (w12 >>> 19 | w12 << 13) ^ w12 >>> 10) | 0
    w15 = w15 + ((w0 >>> 7 | w0 << 25) ^ (w0 >>> 18 | w0 << 14) ^ w0 >>> 3) + w8 | 0
    w15 = w15 + ((w13 >>> 17 | w13 << 15) ^ (w13 >>> 19 | w13 << 13) ^ w13 >>> 10) | 0
  }
  addInto(state, a, b, c, d, e, f, g, h)
}

/**
 * Pads `bytes[0..length)` in place (FIPS 180-4 §5.1.1), `prefixBytes` already hashed before it, and
 * compresses every block into `state`. `bytes` has room for the padding: `length + 72`.
 */
const finish = (
  compress: Compress,
  state: Int32Array,
  bytes: Uint8Array,
  length: number,
  prefixBytes: number
): void => {
  const end = ((length + 9 + 63) >>> 6) << 6
  bytes[length] = 0x80
  bytes.fill(0, length + 1, end)
  const bits = (prefixBytes + length) * 8
  // Lengths here stay far below 2^53 bits: the high word is the quotient, the low word the remainder.
  const high = Math.floor(bits / 0x100000000)
  bytes[end - 8] = high >>> 24
  bytes[end - 7] = high >>> 16
  bytes[end - 6] = high >>> 8
  bytes[end - 5] = high
  bytes[end - 4] = bits >>> 24
  bytes[end - 3] = bits >>> 16
  bytes[end - 2] = bits >>> 8
  bytes[end - 1] = bits
  for (let offset = 0; offset < end; offset += 64) {
    loadBlock(bytes, offset)
    compress(state)
  }
}

const hexDigits = new Uint8Array([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102])

const digit = (word: number, shift: number): number => hexDigits[(word >>> shift) & 15]!

/**
 * The state as 64 lowercase hex digits, made as one string by one call: concatenating 32 two-digit strings
 * from a table (the way before) made 31 intermediate strings. HMAC of 24 / 78 / 150 B, before → after, CPU
 * time, median of 31 interleaved rounds: 1,050 → 963 ns, 1,835 → 1,437 ns, 2,255 → 1,951 ns; the hex alone
 * 270-330 → 100-140 ns. A byte buffer decoded by `TextDecoder` was 200-270 ns, `String.fromCharCode` per
 * word then 7 concatenations 170-230 ns.
 */
// dprint-ignore
const hexOf = (state: Int32Array): string => {
  const a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!, e = state[4]!, f = state[5]!, g = state[6]!
  const h = state[7]!
  return String.fromCharCode(
    digit(a, 28), digit(a, 24), digit(a, 20), digit(a, 16), digit(a, 12), digit(a, 8), digit(a, 4), digit(a, 0),
    digit(b, 28), digit(b, 24), digit(b, 20), digit(b, 16), digit(b, 12), digit(b, 8), digit(b, 4), digit(b, 0),
    digit(c, 28), digit(c, 24), digit(c, 20), digit(c, 16), digit(c, 12), digit(c, 8), digit(c, 4), digit(c, 0),
    digit(d, 28), digit(d, 24), digit(d, 20), digit(d, 16), digit(d, 12), digit(d, 8), digit(d, 4), digit(d, 0),
    digit(e, 28), digit(e, 24), digit(e, 20), digit(e, 16), digit(e, 12), digit(e, 8), digit(e, 4), digit(e, 0),
    digit(f, 28), digit(f, 24), digit(f, 20), digit(f, 16), digit(f, 12), digit(f, 8), digit(f, 4), digit(f, 0),
    digit(g, 28), digit(g, 24), digit(g, 20), digit(g, 16), digit(g, 12), digit(g, 8), digit(g, 4), digit(g, 0),
    digit(h, 28), digit(h, 24), digit(h, 20), digit(h, 16), digit(h, 12), digit(h, 8), digit(h, 4), digit(h, 0)
  )
}

// Every byte's two hex digits.
const byteHex = Array.from({ length: 256 }, (_, byte) => (byte | 256).toString(16).slice(1))

/**
 * The state as 64 lowercase hex digits, two per byte from a table: {@link hexOf}'s 64-argument call is 0.1 KB
 * more gzipped (`pnpm check:size`), so the portable {@link prepare} takes this one and the Worker of `check:size` fits its 15 KB budget.
 * It costs more per HMAC (CPU time, median of 9, two runs): 22 B 1,084-1,164 → 1,333-1,352 ns, 76 B
 * 1,516-1,653 → 1,676-2,181 ns; {@link prepareUnrolled}, on Node, keeps the one-call digest.
 */
const hexCompact = (state: Int32Array): string => {
  let hex = ""
  for (let i = 0; i < 8; i++) {
    const word = state[i]!
    hex += byteHex[word >>> 24]! + byteHex[(word >>> 16) & 255]! + byteHex[(word >>> 8) & 255]! + byteHex[word & 255]!
  }
  return hex
}

/**
 * SHA-256 of some bytes.
 *
 * @since 0.1.0
 * @category hashing
 */
export const sha256 = (data: Uint8Array): Uint8Array => {
  const state = new Int32Array(initial)
  const padded = new Uint8Array(data.length + 72)
  padded.set(data)
  finish(compress, state, padded, data.length, 0)
  const digest = new Uint8Array(32)
  for (let i = 0; i < 8; i++) {
    const word = state[i]!
    digest[i * 4] = word >>> 24
    digest[i * 4 + 1] = word >>> 16
    digest[i * 4 + 2] = word >>> 8
    digest[i * 4 + 3] = word
  }
  return digest
}

/**
 * The state after one block of `key ⊕ pad` (RFC 2104: a key longer than a block is hashed first).
 */
const padState = (compress: Compress, key: Uint8Array, pad: number): Int32Array => {
  const block = new Uint8Array(64).fill(pad)
  for (let i = 0; i < key.length; i++) block[i]! ^= key[i]!
  const state = new Int32Array(initial)
  loadBlock(block, 0)
  compress(state)
  return state
}

const prepareWith =
  (compress: Compress, hex: (state: Int32Array) => string) =>
  (key: string, long?: (message: string) => string): (message: string) => string => {
    let keyBytes = Encoding.utf8Encode(key)
    if (keyBytes.length > 64) keyBytes = sha256(keyBytes)
    const inner = padState(compress, keyBytes, 0x36)
    const outer = padState(compress, keyBytes, 0x5c)
    const state = new Int32Array(8)
    // Room for the longest short message in UTF-8 (3 bytes per UTF-16 unit) and its padding.
    const shortBytes = new Uint8Array(shortMessageBytes * 3 + 72)
    const sign = (bytes: Uint8Array, length: number): string => {
      state.set(inner)
      finish(compress, state, bytes, length, 64)
      // The outer hash: the inner digest, then its padding for 64 + 32 bytes.
      for (let i = 0; i < 8; i++) W[i] = state[i]!
      W[8] = 0x80000000
      W.fill(0, 9, 15)
      W[15] = (64 + 32) * 8
      state.set(outer)
      compress(state)
      return hex(state)
    }
    const signLong = long ?? ((message) => {
      const bytes = new Uint8Array(message.length * 3 + 72)
      return sign(bytes, Encoding.utf8EncodeInto(message, bytes))
    })
    return (message) => {
      // A UTF-16 unit is 1 to 3 UTF-8 bytes: longer than the limit in units is longer in bytes.
      if (message.length > shortMessageBytes) return signLong(message)
      // `encodeInto` beats a `charCodeAt` loop even on ASCII: 78 B, 0.05 µs against 0.17 µs.
      const length = Encoding.utf8EncodeInto(message, shortBytes)
      return length > shortMessageBytes ? signLong(message) : sign(shortBytes, length)
    }
  }

/**
 * Prepares an HMAC-SHA256 key: the returned function signs a message (its UTF-8 bytes; a lone surrogate is
 * U+FFFD, as every `TextEncoder` and node's `Buffer` encode it) into lowercase hex. Messages longer than
 * {@link shortMessageBytes} bytes go to `long`, the caller's implementation for them when it has a faster one
 * (node's native hash); without it they are signed here too.
 *
 * @since 0.1.0
 * @category signing
 */
export const prepare: (key: string, long?: (message: string) => string) => (message: string) => string =
  /* @__PURE__ */ prepareWith(compress, hexCompact)

/**
 * {@link prepare} with the SHA-256 compression unrolled 16 rounds per turn, its message schedule in local
 * variables: 1.12-1.16× the HMAC speed at 24-150 B, for 1.1 KB more gzipped in a bundle. For servers, where
 * size does not count (node's `NodePusherCrypto` uses it); a bundle that never names it does not carry it.
 *
 * @since 0.1.0
 * @category signing
 */
export const prepareUnrolled: (key: string, long?: (message: string) => string) => (message: string) => string =
  /* @__PURE__ */ prepareWith(compressUnrolled, hexOf)
