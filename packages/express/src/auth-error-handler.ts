import { isAuthError } from '@cloudauth/core'
import { errorAnswer, resolveRealm } from '@cloudauth/core/binding'
import type { ErrorRequestHandler } from 'express'
import { sendError } from './internal/send-error.js'

/**
 * Options of {@link authErrorHandler}.
 *
 * @example
 * ```ts
 * app.use(authErrorHandler({ realm: 'orders' }))
 * ```
 */
export interface AuthErrorHandlerOptions {
  /** The protection space named in `WWW-Authenticate` (RFC 6750 §3). Default `'api'`. */
  readonly realm?: string
}

/**
 * An Express error handler that answers an {@link AuthError} the way the middleware does by default:
 * its status, `WWW-Authenticate` (RFC 6750 §3), `Cache-Control: no-store`, `Retry-After` on 503
 * and `{ error, error_description }`. Anything else goes on to the next error handler untouched.
 *
 * Use it with `cloudauth(source, { passErrors: true })`, which hands auth errors to `next(err)` so
 * that logging or other error middleware sees them first.
 *
 * @example
 * ```ts
 * const auth = cloudauth(auth0({ domain, audience }), { passErrors: true })
 * app.get('/orders', auth.scope(['read:orders']), listOrders)
 * app.use((err, req, res, next) => { log(err); next(err) })
 * app.use(authErrorHandler())
 * ```
 * @throws ConfigError when `realm` is not a non-empty string of printable ASCII
 */
export function authErrorHandler(options: AuthErrorHandlerOptions = {}): ErrorRequestHandler {
  const responseOptions = { realm: resolveRealm(options.realm) }
  return (error: unknown, _req, res, next) => {
    if (!isAuthError(error) || res.headersSent) {
      next(error)
      return
    }
    sendError(res, errorAnswer(error, responseOptions))
  }
}
