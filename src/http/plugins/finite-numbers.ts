import type { FastifyInstance } from 'fastify';

/**
 * Ajv (8.x) coerces the string "Infinity" to a number that passes `type: integer` and skips `minimum`/`maximum`
 * (its range checks only look at finite numbers), so `/users/Infinity/` or `?limit=Infinity` reached the handlers
 * and the database (PostgreSQL: "invalid input syntax for type integer", a 500). No path or query value is ever
 * meant to be infinite; after validation, such a value is refused exactly as a schema failure would be.
 */
export function installFiniteNumberCheck(app: FastifyInstance): void {
  // Takes `done` rather than being async: it never waits, and runs on every request (issue 18). A throw is caught by
  // Fastify's hook runner and rendered as a rejection would be.
  app.addHook('preHandler', (request, _reply, done) => {
    for (const [context, data] of [
      ['params', request.params],
      ['querystring', request.query],
    ] as const) {
      const bad = infiniteField(data);
      if (bad !== undefined) {
        throw Object.assign(new Error(`${context}/${bad} must be a finite number`), {
          statusCode: 400,
          validationContext: context,
          validation: [{ instancePath: `/${bad}`, message: 'must be a finite number' }],
        });
      }
    }
    done();
  });
}

function infiniteField(data: unknown): string | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  for (const [key, value] of Object.entries(data)) {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    if (values.some((v) => typeof v === 'number' && !Number.isFinite(v))) return key;
  }
  return undefined;
}
