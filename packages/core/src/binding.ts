/**
 * `@cloudauth/core/binding`: the request pipeline, for authors of framework bindings and features.
 * Applications use a binding (`@cloudauth/hono`, `@cloudauth/express`) instead.
 */
export { createPipeline } from './binding/create-pipeline.js'
export { extractToken } from './sources/extract-token.js'
export type {
  ErrorAnswer,
  PermissionSource,
  Pipeline,
  PipelineOptions,
  ServiceAuthenticator,
  Step,
  StepContext,
  StepResult,
  StepSecurity,
} from './binding/pipeline-types.js'
export { errorAnswer } from './binding/error-answer.js'
export { createRequestView, rawHeaderReader } from './binding/request-view.js'
export type { RawHeaderReader, RequestView, RequestViewInit } from './binding/request-view.js'
export type { ClaimOutput, ClaimSchema } from './binding/claim-schema.js'
export {
  resolveRealm,
  resolveRequired,
  resolveSources,
  resolveVerifier,
} from './binding/binding-options.js'
export type { VerifierSource } from './binding/binding-options.js'
export { readJsonBody } from './binding/read-json-body.js'
export { readCapped } from './binding/read-capped.js'
export type { ReadJsonBodyOptions, ReadJsonBodySchemaOptions } from './binding/read-json-body.js'
export { JsonBodyError } from './binding/json-body-error.js'
export type { JsonBodyErrorCode, JsonBodyField } from './binding/json-body-error.js'
export { jsonAnswer } from './binding/json-answer.js'
export type { FetchHandler } from './binding/fetch-handler.js'
export { originCheck } from './binding/origin-check.js'
export type { OriginCheck, OriginCheckOptions } from './binding/origin-check.js'
