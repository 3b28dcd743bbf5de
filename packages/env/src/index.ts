export { cloudauthFromEnv } from './cloudauth-from-env.js'
export type {
  CloudauthFromEnv,
  CloudauthFromEnvOptions,
  LoginEndpoints,
} from './cloudauth-from-env.js'
