import type { FastifyInstance } from 'fastify';
import { invalidInput } from '../domain/errors.js';
import type { KeyService } from '../service/key-service.js';

function identityQuery(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw invalidInput([{ field: 'identity', message: 'must be one identity name' }]);
  return value;
}

/** `/v1/keys`: each identity registers, lists and revokes its own signing keys; an admin, anyone's. */
export function keyRoutes(v1: FastifyInstance, keys: KeyService): void {
  v1.post('/keys', async (request, reply) => reply.code(201).send(await keys.register(request.identity, request.body)));
  v1.get('/keys', async (request) => {
    const identity = identityQuery((request.query as Record<string, unknown>).identity) ?? request.identity.name;
    return { identity, items: await keys.list(request.identity, identity) };
  });
  v1.get<{ Params: { key_id: string } }>('/keys/:key_id', async (request) => keys.get(request.identity, request.params.key_id));
  v1.post<{ Params: { key_id: string } }>('/keys/:key_id/revocation', async (request) => keys.revoke(request.identity, request.params.key_id, request.body));
}
