/**
 * A feature's HTTP routes as one Fetch-API function: the answer, or `undefined` when the request is
 * not for these routes (the binding then lets the app handle it). Bindings serve one with
 * `auth.mount(handler)`; `@cloudauth/cognito/user-api`, `@cloudauth/firebase/session-login`, the
 * login routes and the permissions admin API are ones.
 *
 * @example
 * ```ts
 * const health: FetchHandler = async (request) =>
 *   new URL(request.url).pathname === '/health' ? new Response('ok') : undefined
 * app.use(auth.mount(health))
 * ```
 */
export type FetchHandler = (request: Request) => Promise<Response | undefined>
