import { ConfigError } from '@cloudauth/core'

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** Whether a URL names this machine (RFC 8252 §8.3 loopback): the only place http is allowed. */
export function isLoopback(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname) || /^127(?:\.\d{1,3}){3}$/.test(url.hostname)
}

/**
 * Parses an absolute URL option: https, or http on a loopback host (development only).
 *
 * @throws ConfigError naming `option`
 */
export function parseHttpsUrl(option: string, value: unknown): URL {
  if (typeof value !== 'string' || value === '') {
    throw new ConfigError(option, 'must be an absolute https URL')
  }
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new ConfigError(option, 'must be an absolute https URL')
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url))) {
    throw new ConfigError(option, 'must use https (http only on 127.0.0.1, localhost or [::1])')
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError(option, 'must not hold credentials')
  }
  return url
}

/**
 * The origin of a domain option: `auth.example.com`, or a full `https://auth.example.com` (http
 * only on loopback), with no path, query or fragment.
 *
 * @throws ConfigError naming `option`
 */
export function parseDomain(option: string, value: unknown): URL {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigError(option, 'must be a domain, e.g. auth.example.com')
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`
  const url = parseHttpsUrl(option, withScheme)
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    throw new ConfigError(option, 'must be a domain only, with no path, query or fragment')
  }
  return new URL(url.origin)
}
