/**
 * Finds the caller's credential: `Authorization: Bearer <jwt>` (a person) or `X-API-Key: hps_…`
 * (a point-of-sale key). Neither: anonymous. Both: 400, since it is unclear who is calling.
 */
import { InvalidInput, Unauthenticated } from "../errors.ts";
import type { Authenticator, CredentialSource } from "../rest/index.ts";
import type { ApiKeyService } from "./api-keys.ts";
import type { TokenService } from "./tokens.ts";

const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+) *$/i;

export function createAuthenticator(services: {
  readonly tokens: TokenService;
  readonly apiKeys: ApiKeyService;
}): Authenticator {
  return async (request: CredentialSource) => {
    const authorization = request.header("authorization");
    const apiKey = request.header("x-api-key");
    if (authorization !== undefined && apiKey !== undefined) {
      throw new InvalidInput("send either Authorization or X-API-Key, not both");
    }
    if (authorization !== undefined) {
      const token = BEARER.exec(authorization)?.[1];
      if (token === undefined) throw new Unauthenticated("malformed Authorization header: expected Bearer <token>");
      return services.tokens.verify(token);
    }
    if (apiKey !== undefined) {
      return services.apiKeys.verify(apiKey.trim());
    }
    return undefined;
  };
}
