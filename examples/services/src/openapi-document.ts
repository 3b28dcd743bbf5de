/** The example's API description; `@cloudauth/openapi` adds the security from the routes. */
export const baseDocument = {
  openapi: '3.1.0',
  info: { title: 'cloudauth example: users and services', version: '1.0.0' },
  paths: {
    '/api/reports': {
      get: {
        summary: 'Reports, for a Cognito user or a service principal',
        responses: {
          200: {
            description: 'who called',
            content: { 'application/json': { schema: { type: 'object' } } },
          },
          401: { description: 'no or bad credentials' },
          503: { description: 'the identity provider or the secret store cannot answer' },
        },
      },
    },
    '/api/admin': {
      get: {
        summary: 'For users holding the reports:admin scope',
        responses: {
          200: { description: 'ok' },
          401: { description: 'no token' },
          403: { description: 'scope missing' },
        },
      },
    },
  },
} as const
