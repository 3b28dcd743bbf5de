import type { HeapReport } from './heap-child.js'
import { HTTP_ROWS, httpKey, type HttpResults, type HttpRow } from './http.js'
import type { Machine } from './machine.js'
import { cellKey, type Concurrency, type MicroResults, type TokenMode } from './micro.js'
import { compact, ratio, spread, summarize } from './stats.js'
import type { Subject } from './subjects.js'
import type { BenchAlg } from './tokens.js'

export interface ReportInput {
  readonly machine: Machine
  readonly loadBefore: number
  readonly loadAfter: number
  readonly settings: string
  readonly subjects: readonly Subject[]
  readonly micro: MicroResults | undefined
  readonly http: HttpResults | undefined
  readonly heap: HeapReport | undefined
  readonly seconds: number
}

const ALGS: readonly BenchAlg[] = ['RS256', 'ES256']
const COLUMNS: readonly { mode: TokenMode; concurrency: Concurrency; label: string }[] = [
  { mode: 'cold', concurrency: 1, label: 'cold, 1 at a time' },
  { mode: 'cold', concurrency: 64, label: 'cold, 64 in flight' },
  { mode: 'warm', concurrency: 1, label: 'warm, 1 at a time' },
  { mode: 'warm', concurrency: 64, label: 'warm, 64 in flight' },
]

const table = (head: readonly string[], rows: readonly (readonly string[])[]) =>
  [
    `| ${head.join(' | ')} |`,
    `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n')

const MiB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`

/** Medians the targets and ratios are computed from. */
class Medians {
  constructor(
    private readonly micro: MicroResults | undefined,
    private readonly http: HttpResults | undefined,
  ) {}

  verify(id: string, alg: BenchAlg, mode: TokenMode, concurrency: Concurrency): number {
    return summarize(this.micro?.get(cellKey(id, alg, mode, concurrency)) ?? []).median
  }

  /** The sync floor, one at a time, same algorithm and tokens: what every ×floor divides by. */
  floor(alg: BenchAlg, mode: TokenMode): number {
    return this.verify('floor', alg, mode, 1)
  }

  bestPeer(subjects: readonly Subject[], alg: BenchAlg, mode: TokenMode, c: Concurrency) {
    let best = Number.NaN
    let who = '-'
    for (const subject of subjects) {
      if (subject.kind !== 'peer') continue
      const value = this.verify(subject.id, alg, mode, c)
      if (!(value <= best)) {
        best = value
        who = subject.id
      }
    }
    return { best, who }
  }

  rps(row: HttpRow): number {
    return summarize(this.http?.perRun.get(httpKey(row)) ?? []).median
  }
}

export interface Target {
  readonly name: string
  readonly goal: number
  readonly measured: number
  readonly detail: string
}

export function targets(input: ReportInput): Target[] {
  const m = new Medians(input.micro, input.http)
  const list: Target[] = []
  if (input.micro !== undefined) {
    const floor = m.floor('RS256', 'cold')
    list.push(
      {
        name: 'cold RS256, 1 at a time, vs the floor',
        goal: 0.9,
        measured: m.verify('cloudauth', 'RS256', 'cold', 1) / floor,
        detail: `${compact(m.verify('cloudauth', 'RS256', 'cold', 1))} vs ${compact(floor)}/s`,
      },
      {
        name: 'cold RS256, 64 in flight, vs the 1-at-a-time floor',
        goal: 1.5,
        measured: m.verify('cloudauth', 'RS256', 'cold', 64) / floor,
        detail: `${compact(m.verify('cloudauth', 'RS256', 'cold', 64))} vs ${compact(floor)}/s`,
      },
      {
        name: 'warm RS256, 1 at a time, vs the floor',
        goal: 50,
        measured: m.verify('cloudauth', 'RS256', 'warm', 1) / m.floor('RS256', 'warm'),
        detail: `${compact(m.verify('cloudauth', 'RS256', 'warm', 1))} vs ${compact(m.floor('RS256', 'warm'))}/s`,
      },
    )
  }
  if (input.http !== undefined) {
    const hono = m.rps({ framework: 'hono', auth: 'cloudauth', tokens: 'repeated' })
    const honoNone = m.rps({ framework: 'hono', auth: 'none', tokens: 'none' })
    const honoPass = m.rps({ framework: 'hono', auth: 'passthrough', tokens: 'none' })
    list.push(
      {
        name: 'Hono + cloudauth, repeated token, vs no auth',
        goal: 0.9,
        measured: hono / honoNone,
        detail: `${compact(hono)} vs ${compact(honoNone)} req/s`,
      },
      {
        name: '(context) the same vs a pass-through middleware',
        goal: 0.9,
        measured: hono / honoPass,
        detail: `${compact(hono)} vs ${compact(honoPass)} req/s`,
      },
    )
    for (const tokens of ['repeated', 'distinct'] as const) {
      const ours = m.rps({ framework: 'express', auth: 'cloudauth', tokens })
      const peer = m.rps({ framework: 'express', auth: 'peer', tokens })
      list.push({
        name: `Express + cloudauth vs express-oauth2-jwt-bearer, ${tokens} tokens`,
        goal: 1.5,
        measured: ours / peer,
        detail: `${compact(ours)} vs ${compact(peer)} req/s`,
      })
    }
  }
  return list
}

function microSection(input: ReportInput, m: Medians): string[] {
  const out: string[] = []
  const runs = summarize(input.micro?.values().next().value ?? []).runs
  out.push(`## Verifications per second (median of ${runs} rounds, min–max)`, '')
  out.push(
    'cold: distinct tokens, in order through more than cloudauth caches (every verify a miss); ' +
      'warm: one token repeated. ×floor divides by the sync node:crypto floor, one at a time, same ' +
      'algorithm and tokens; ×peer by the best of jose, aws-jwt-verify and hono in the same cell.',
    '',
  )
  for (const alg of ALGS) {
    out.push(`### ${alg}`, '')
    const rows = input.subjects.map((subject) => [
      subject.label,
      ...COLUMNS.map((column) =>
        subject.concurrency.includes(column.concurrency)
          ? spread(
              summarize(
                input.micro?.get(cellKey(subject.id, alg, column.mode, column.concurrency)) ?? [],
              ),
            )
          : '-',
      ),
    ])
    out.push(table(['verifier', ...COLUMNS.map((c) => c.label)], rows), '')
    const ratioRows = input.subjects
      .filter((subject) => subject.id !== 'floor')
      .map((subject) => [
        subject.label,
        ...COLUMNS.map((column) => {
          if (!subject.concurrency.includes(column.concurrency)) return '-'
          const value = m.verify(subject.id, alg, column.mode, column.concurrency)
          const floor = ratio(value, m.floor(alg, column.mode))
          if (subject.kind === 'peer' || subject.kind === 'floor') return `${floor} floor`
          const { best } = m.bestPeer(input.subjects, alg, column.mode, column.concurrency)
          return `**${floor} floor, ${ratio(value, best)} peer**`
        }),
      ])
    out.push(table([`${alg} ratios`, ...COLUMNS.map((c) => c.label)], ratioRows), '')
  }
  return out
}

const AUTH_LABEL: Record<string, Record<string, string>> = {
  hono: {
    none: 'no auth',
    passthrough: 'no auth, one pass-through middleware',
    peer: 'hono/jwk (keys inline)',
    cloudauth: 'cloudauth',
  },
  express: { none: 'no auth', peer: 'express-oauth2-jwt-bearer', cloudauth: 'cloudauth' },
}

function httpSection(input: ReportInput, m: Medians): string[] {
  const http = input.http!
  const runs = summarize(http.perRun.values().next().value ?? []).runs
  const rows = HTTP_ROWS.map((row) => {
    const none = m.rps({ framework: row.framework, auth: 'none', tokens: 'none' })
    const value = m.rps(row)
    const peer = row.auth === 'cloudauth' ? m.rps({ ...row, auth: 'peer' }) : Number.NaN
    return [
      row.framework === 'hono' ? 'Hono (@hono/node-server)' : 'Express 5',
      AUTH_LABEL[row.framework]![row.auth]!,
      row.tokens === 'none' ? 'repeated, unread' : row.tokens,
      spread(summarize(http.perRun.get(httpKey(row)) ?? [])),
      row.auth === 'none' ? '1.00x' : ratio(value, none),
      row.auth === 'cloudauth' ? ratio(value, peer) : '-',
    ]
  })
  const wiring = [...http.wiring].map(([framework, how]) => `${framework}: ${how}`).join('; ')
  return [
    `## HTTP requests per second (autocannon, median of ${runs} rounds, min–max)`,
    '',
    `GET /api/hello answering JSON, RS256 tokens, one server process per row on 127.0.0.1. cloudauth wired through ${wiring}.`,
    '',
    table(['server', 'auth', 'tokens', 'req/s', '× no auth', '× peer'], rows),
    '',
  ]
}

function heapSection(heap: HeapReport): string[] {
  const rows = heap.points.map((point) => [
    point.tokens.toLocaleString('en-US'),
    MiB(point.heapBytes),
    MiB(point.heapBytes - heap.baselineBytes),
  ])
  const full = heap.points.find((point) => point.tokens === 10_000)
  const perEntry =
    full === undefined
      ? ''
      : ` About ${Math.round((full.heapBytes - heap.baselineBytes) / heap.cacheEntries).toLocaleString('en-US')} bytes per cached token.`
  return [
    `## Heap after ${heap.tokens.toLocaleString('en-US')} distinct tokens`,
    '',
    `One verifier with default options (token cache on, ${heap.cacheEntries.toLocaleString('en-US')} entries), distinct ES256 tokens, heap used after a full GC. Baseline ${MiB(heap.baselineBytes)}; ${heap.seconds.toFixed(0)} s.${perEntry}`,
    '',
    table(['tokens verified', 'heap used', 'over baseline'], rows),
    '',
  ]
}

export function render(input: ReportInput): string {
  const m = new Medians(input.micro, input.http)
  const { machine } = input
  const out: string[] = [
    `Machine: Node ${machine.node} (OpenSSL ${machine.openssl}), ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB. ` +
      `Load average ${input.loadBefore.toFixed(2)} before, ${input.loadAfter.toFixed(2)} after. ${input.settings}; ${input.seconds.toFixed(0)} s in all.`,
    '',
  ]
  if (input.micro !== undefined) out.push(...microSection(input, m))
  if (input.http !== undefined) out.push(...httpSection(input, m))
  if (input.heap !== undefined) out.push(...heapSection(input.heap))
  const list = targets(input)
  if (list.length > 0) {
    out.push('## Targets (issue 5)', '')
    out.push(
      table(
        ['target', 'goal', 'measured', 'met', 'medians'],
        list.map((t) => [
          t.name,
          `≥ ${t.goal}x`,
          ratio(t.measured, 1),
          t.measured >= t.goal ? 'yes' : 'no',
          t.detail,
        ]),
      ),
      '',
    )
  }
  return out.join('\n')
}
