import { parentPort } from 'node:worker_threads'
import { mintRange, type MintJob } from './tokens.js'

// One reply per job, so one worker can stream batches to a long run (the heap measurement).
parentPort?.on('message', (job: MintJob) => {
  parentPort?.postMessage(mintRange(job))
})
