import { createRequestView, rawHeaderReader, type RequestView } from '@cloudauth/core/binding'
import type { Request, Response } from 'express'

// One view per request, shared by every cloudauth middleware of the request (and every instance:
// each pipeline keeps its results under its own private memo keys).
const views = new WeakMap<Request, RequestView>()

/**
 * The request as the pipeline reads it. Headers come from Node's raw list (`req.rawHeaders`), not
 * `req.headers`: Node keeps only the first of two `Authorization` fields there, and the pipeline
 * must see both to refuse them.
 */
export function requestView(req: Request, res: Response): RequestView {
  let view = views.get(req)
  if (view !== undefined) return view
  const raw = Array.isArray(req.rawHeaders) ? rawHeaderReader(req.rawHeaders) : undefined
  view = createRequestView({
    method: req.method,
    get url() {
      return req.originalUrl ?? req.url
    },
    header: raw === undefined ? (name) => req.get(name) : raw.header,
    ...(raw === undefined ? {} : { headerCount: raw.headerCount }),
    appendResponseHeader: (name, value) => {
      res.append(name, value)
    },
  })
  views.set(req, view)
  return view
}
