import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { appVersion } from '@scrutiny/core';
import { formOpenApiComponents } from '@scrutiny/review';

const DESCRIPTION = `Case review for the scrutiny of stop and search, vehicle stops and use of force.

Every error is an RFC 9457 problem document (\`application/problem+json\`) with \`code\`, \`errors[]\` (one entry per
bad field) and \`requestId\` (also in the \`X-Request-Id\` response header; send your own to correlate).

Dates and times are ISO 8601. data.police.uk dates are UTC; monthly reporting periods (\`YYYY-MM\`) are
Europe/London calendar months.`;

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Scrutiny API')
    .setDescription(DESCRIPTION)
    .setVersion(appVersion())
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // The review forms are zod schemas, not DTO classes: their components come from the same definitions that check them.
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...formOpenApiComponents() },
  };
  return document;
}

/**
 * Serves the UI at /docs and the document at /docs-json. Given a function, the document is built on the first request
 * for it (and kept): building it walks every route and DTO, a noticeable part of the start.
 */
export function serveOpenApi(app: INestApplication, document: OpenAPIObject | (() => OpenAPIObject)): void {
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', raw: ['json'] });
}
