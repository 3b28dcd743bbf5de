// The part of autocannon's programmatic API the bench uses (the package ships no types).
declare module 'autocannon' {
  interface RawRequest {
    headers?: Record<string, string>
    [key: string]: unknown
  }
  interface RequestSpec {
    setupRequest?: (request: RawRequest) => RawRequest
  }
  interface Options {
    url: string
    connections?: number
    duration?: number
    headers?: Record<string, string>
    requests?: RequestSpec[]
  }
  interface Histogram {
    average: number
    total: number
  }
  interface Result {
    requests: Histogram
    duration: number
    non2xx: number
    errors: number
  }
  function autocannon(options: Options): Promise<Result>
  export default autocannon
}
