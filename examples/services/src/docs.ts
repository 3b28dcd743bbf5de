import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { getAbsoluteFSPath } from 'swagger-ui-dist'

const FILES: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'oauth2-redirect.html': 'text/html; charset=utf-8',
  'oauth2-redirect.js': 'text/javascript; charset=utf-8',
}

const PAGE = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>API docs</title><link rel="stylesheet" href="/docs/swagger-ui.css"></head>
  <body><div id="swagger-ui"></div><script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/init.js"></script></body>
</html>
`

/**
 * Swagger UI served from the local `swagger-ui-dist` package (no CDN) as a Fetch handler for
 * `/docs`: the page, its assets, the OAuth2 redirect page, and a start script that turns on PKCE
 * for the authorization-code flow and names the app client to log in as.
 *
 * @example
 * ```ts
 * const docs = swaggerDocs({ specUrl: '/openapi.json', clientId: 'abc' })
 * app.get('/docs/*', async (c) => (await docs(c.req.raw)) ?? c.notFound())
 * ```
 */
export function swaggerDocs(options: {
  readonly specUrl: string
  readonly clientId?: string
}): (request: Request) => Promise<Response | undefined> {
  const dir = getAbsoluteFSPath()
  const init = `window.ui = SwaggerUIBundle({ url: ${JSON.stringify(options.specUrl)}, dom_id: '#swagger-ui',
  oauth2RedirectUrl: location.origin + '/docs/oauth2-redirect.html' });
window.ui.initOAuth({ clientId: ${JSON.stringify(options.clientId ?? '')}, usePkceWithAuthorizationCodeGrant: true });
`
  return async (request) => {
    if (request.method !== 'GET') return undefined
    const path = new URL(request.url).pathname
    if (path === '/docs' || path === '/docs/')
      return new Response(PAGE, { headers: { 'content-type': 'text/html; charset=utf-8' } })
    if (path === '/docs/init.js')
      return new Response(init, { headers: { 'content-type': 'text/javascript; charset=utf-8' } })
    const name = path.slice('/docs/'.length)
    const type = path.startsWith('/docs/') ? FILES[name] : undefined
    if (type === undefined) return undefined
    return new Response(await readFile(join(dir, name)), { headers: { 'content-type': type } })
  }
}
