/**
 * Reads a byte stream to its end, keeping at most `maxBytes`: past the cap, the stream is cancelled
 * with the error `tooLarge()` makes (which may also abort the fetch behind it) and that error is
 * thrown, so a body without Content-Length (chunked) never buffers more than `maxBytes` plus one
 * chunk. Shared by the JWKS fetch and `readJsonBody`; for feature routes that read a body
 * themselves (never `request.text()`, which buffers whatever is sent).
 *
 * @example
 * ```ts
 * const bytes =
 *   request.body === null
 *     ? new Uint8Array(0)
 *     : await readCapped(request.body, 64 * 1024, () => new Error('the body exceeds 64 KiB'))
 * ```
 *
 * @throws the error of `tooLarge()`, or whatever reading the stream throws
 */
export async function readCapped(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
  tooLarge: () => Error,
): Promise<Uint8Array> {
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      const error = tooLarge()
      await reader.cancel(error).catch(() => undefined)
      throw error
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}
