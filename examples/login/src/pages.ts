import type { LoginSession } from '@cloudauth/login'

function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function page(body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>cloudauth login example</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto">${body}</body></html>`
}

/** `/`: a login link, or a link to the profile once logged in. */
export function homePage(session: LoginSession | undefined): string {
  return session === undefined
    ? page(
        '<h1>Welcome</h1><p id="anonymous">Not logged in.</p><p><a id="login" href="/auth/login?returnTo=/profile">Log in</a></p>',
      )
    : page('<h1>Welcome back</h1><p><a id="profile" href="/profile">Your profile</a></p>')
}

/**
 * `/profile`: who is logged in (from the session's ID token claims), the access token's subject
 * (from the verified token), and the refresh and logout forms.
 */
export function profilePage(session: LoginSession | undefined, tokenSubject: string): string {
  return page(`<h1>Profile</h1>
<p id="hello">Hello ${escapeHtml(session?.claims['email'] ?? session?.sub)}</p>
<p>Access token for <code id="subject">${escapeHtml(tokenSubject)}</code>.</p>
<form method="post" action="/auth/refresh"><button id="refresh">Refresh the session</button></form>
<form method="post" action="/auth/logout"><button id="logout">Log out</button></form>`)
}
