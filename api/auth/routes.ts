/**
 * /auth/* (sign-in with a wallet or a custodial account key, who am I), restaurant API keys and
 * role grants. Paths are relative to /api/v1.
 */
import * as z from "zod";

import type { Database } from "../../lib/db/client.ts";
import { conflict, notFound } from "../rest/errors.ts";
import { Address, Limit, RestaurantIdText } from "../rest/schemas.ts";
import { defineRoute, type Route } from "../rest/route.ts";
import type { AccessControl } from "./access.ts";
import type { ApiKeyRecord, ApiKeyService } from "./api-keys.ts";
import type { CustodialService } from "./custodial.ts";
import { GRANTED_ROLES } from "./principal.ts";
import type { SiweService } from "./siwe.ts";
import { findUser, listUsers, setUserRoles, userJson, UserSchema } from "./users.ts";

export interface AuthRouteServices {
  readonly db: Database;
  readonly siwe: SiweService;
  readonly custodial: CustodialService;
  readonly apiKeys: ApiKeyService;
  readonly access: AccessControl;
}

const TAGS = ["auth"];
const EXAMPLE_TOKEN =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhZGRyIjoiMHg5YmY0In0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbi1oZXJl";
const EXAMPLE_TIME = "2026-11-26T12:15:00.000Z";
const EXAMPLE_KEY_ID = "7d9e4f1a-2b3c-4d5e-8f90-a1b2c3d4e5f6";

const RestaurantParams = z.object({ id: RestaurantIdText });
const ApiKeyParams = z.object({
  id: RestaurantIdText,
  key_id: z.uuid().meta({ description: "API key id", examples: [EXAMPLE_KEY_ID] }),
});

const NonceSchema = z
  .object({
    nonce: z
      .string()
      .meta({ description: "Put this in the message's Nonce field", examples: ["k3PqZ8vYt2LmN4sR9wXc"] }),
    expires_at: z.iso.datetime().meta({ description: "The nonce is refused after this", examples: [EXAMPLE_TIME] }),
    domain: z.string().meta({ description: "The message's domain", examples: ["localhost:3000"] }),
    uri: z.string().meta({ description: "The message's URI", examples: ["http://localhost:3000"] }),
    chain_id: z
      .number()
      .int()
      .meta({ description: "The message's Chain ID", examples: [31337] }),
    statement: z.string().meta({ description: "Suggested statement", examples: ["Sign in to The Hot Pot Spot."] }),
    version: z.literal("1").meta({ description: "EIP-4361 version", examples: ["1"] }),
  })
  .meta({ id: "SiweNonce" });

const SessionSchema = z
  .object({
    token: z.string().meta({ description: "Send as `Authorization: Bearer <token>`", examples: [EXAMPLE_TOKEN] }),
    expires_at: z.iso.datetime().meta({ description: "When the token stops working", examples: [EXAMPLE_TIME] }),
    user: UserSchema,
  })
  .meta({ id: "Session" });

const CustodialSessionSchema = SessionSchema.extend({
  account_key: z.string().meta({
    description: "Sign-in key of the new account, shown only now: keep it, it cannot be recovered",
    examples: ["hpc_fJ2xR9kLmQ8vT3nW5yZ1aB4cD6eF7gH0iJ2kL4mN6oP8qR0sT2uV4wX6yZ8aB0cD"],
  }),
}).meta({ id: "CustodialSession" });

const MeSchema = UserSchema.extend({
  restaurant_ids: z.array(z.string()).meta({
    description: "Restaurants whose franchise NFT this address owns on chain (as indexed)",
    examples: [["1"]],
  }),
}).meta({ id: "Me" });

const keyFields = {
  id: z.uuid().meta({ description: "API key id", examples: [EXAMPLE_KEY_ID] }),
  restaurant_id: z.string().meta({ description: "The restaurant the key acts for", examples: ["1"] }),
  label: z.string().meta({ description: "What the key is for", examples: ["front counter till"] }),
  created_at: z.iso.datetime().meta({ description: "When the key was made", examples: ["2026-11-26T12:00:00.000Z"] }),
};

const CreatedApiKeySchema = z
  .object({
    ...keyFields,
    key: z.string().meta({
      description: "Send as `X-API-Key`; shown only now",
      examples: [`hps_${EXAMPLE_KEY_ID}_q9Zx3VbN7mK2pL5tR8wY1aC4dF6gH0jS3uE7iO9kT2n`],
    }),
  })
  .meta({ id: "CreatedApiKey" });

const ApiKeySchema = z
  .object({
    ...keyFields,
    created_by: z.uuid().meta({ description: "User who made it", examples: ["3f1c2a9e-5b7d-4c1e-9a0b-2d4e6f8a1b3c"] }),
    revoked_at: z.iso
      .datetime()
      .nullable()
      .meta({ description: "When it was revoked; null while it works", examples: [null] }),
  })
  .meta({ id: "ApiKey" });

const ApiKeyListSchema = z
  .object({ api_keys: z.array(ApiKeySchema).meta({ description: "Newest first, revoked ones included" }) })
  .meta({ id: "ApiKeyList" });

const apiKeyJson = (key: ApiKeyRecord): z.infer<typeof ApiKeySchema> => ({
  id: key.id,
  restaurant_id: key.restaurantId.toString(),
  label: key.label,
  created_at: key.createdAt.toISOString(),
  created_by: key.createdBy,
  revoked_at: key.revokedAt?.toISOString() ?? null,
});

export function authRoutes(services: AuthRouteServices): Route[] {
  const { db, siwe, custodial, apiKeys, access } = services;

  /** The restaurant's id when it exists, else a 404. */
  async function existingRestaurant(id: string): Promise<bigint> {
    const { rowCount } = await db.pool.query("SELECT 1 FROM restaurant WHERE id = $1", [id]);
    if (rowCount === 1) return BigInt(id);
    throw notFound("restaurant");
  }

  return [
    defineRoute({
      method: "get",
      path: "/auth/nonce",
      operationId: "getSiweNonce",
      summary: "Start a wallet sign-in",
      description:
        "A one-time nonce (valid a few minutes) and the domain, URI and chain id the EIP-4361 message must carry.",
      tags: TAGS,
      access: "public",
      responses: { 200: { description: "Build and sign a SIWE message with these", schema: NonceSchema } },
      async handle() {
        const challenge = await siwe.issueNonce();
        return {
          status: 200,
          headers: { "Cache-Control": "no-store" },
          body: {
            nonce: challenge.nonce,
            expires_at: challenge.expiresAt.toISOString(),
            domain: challenge.domain,
            uri: challenge.uri,
            chain_id: challenge.chainId,
            statement: challenge.statement,
            version: challenge.version,
          },
        };
      },
    }),

    defineRoute({
      method: "post",
      path: "/auth/siwe",
      operationId: "signInWithEthereum",
      summary: "Sign in with a wallet (EIP-4361)",
      description:
        "Checks domain, URI, chain id, times, the signature (externally owned accounts) and consumes the nonce.",
      tags: TAGS,
      access: "public",
      body: z
        .object({
          message: z
            .string()
            .min(1)
            .max(4_000)
            .meta({
              description: "The EIP-4361 message exactly as signed",
              examples: [
                "localhost:3000 wants you to sign in with your Ethereum account:\n0x9BF4beE5bfbEbb3a4b7060dAe40CA6fD49305D60\n\nSign in to The Hot Pot Spot.\n\nURI: http://localhost:3000\nVersion: 1\nChain ID: 31337\nNonce: k3PqZ8vYt2LmN4sR9wXc\nIssued At: 2026-11-26T12:00:00.000Z",
              ],
            }),
          signature: z
            .string()
            .regex(/^0x[0-9a-fA-F]+$/, "a 0x-prefixed hex signature")
            .max(4_000)
            .meta({ description: "personal_sign signature of the message", examples: [`0x${"ab".repeat(65)}`] }),
        })
        .meta({ id: "SiweSignIn" }),
      errors: [401],
      responses: { 200: { description: "Signed in", schema: SessionSchema } },
      async handle({ body }) {
        const session = await siwe.signIn(body);
        return {
          status: 200,
          headers: { "Cache-Control": "no-store" },
          body: { token: session.token, expires_at: session.expiresAt.toISOString(), user: userJson(session.user) },
        };
      },
    }),

    defineRoute({
      method: "post",
      path: "/auth/custodial",
      operationId: "createCustodialAccount",
      summary: "Create an account without a wallet",
      description:
        "The platform derives and holds an address for the customer. The account key in the answer is the only way back in: it is shown once.",
      tags: TAGS,
      access: "public",
      responses: { 201: { description: "Created and signed in", schema: CustodialSessionSchema } },
      async handle() {
        const created = await custodial.create();
        return {
          status: 201,
          headers: { "Cache-Control": "no-store" },
          body: {
            token: created.token,
            expires_at: created.expiresAt.toISOString(),
            account_key: created.accountKey,
            user: userJson(created.user),
          },
        };
      },
    }),

    defineRoute({
      method: "post",
      path: "/auth/token",
      operationId: "signInWithAccountKey",
      summary: "Sign in to a custodial account",
      tags: TAGS,
      access: "public",
      body: z
        .object({
          account_key: z
            .string()
            .min(1)
            .max(200)
            .meta({
              description: "The key POST /auth/custodial returned",
              examples: ["hpc_fJ2xR9kLmQ8vT3nW5yZ1aB4cD6eF7gH0iJ2kL4mN6oP8qR0sT2uV4wX6yZ8aB0cD"],
            }),
        })
        .meta({ id: "AccountKeySignIn" }),
      errors: [401],
      responses: { 200: { description: "Signed in", schema: SessionSchema } },
      async handle({ body }) {
        const session = await custodial.signIn(body.account_key);
        return {
          status: 200,
          headers: { "Cache-Control": "no-store" },
          body: { token: session.token, expires_at: session.expiresAt.toISOString(), user: userJson(session.user) },
        };
      },
    }),

    defineRoute({
      method: "get",
      path: "/auth/me",
      operationId: "getMe",
      summary: "Who am I",
      description: "The signed-in person, their granted roles and the restaurants they own on chain.",
      tags: TAGS,
      access: "user",
      errors: [403],
      responses: { 200: { description: "The caller", schema: MeSchema } },
      async handle({ principal }) {
        const user = await findUser(db, principal.userId);
        if (user === undefined) throw notFound("user");
        const owned = await access.restaurantsOwnedBy(user.address);
        return { status: 200, body: { ...userJson(user), restaurant_ids: owned.map(String) } };
      },
    }),

    defineRoute({
      method: "post",
      path: "/restaurants/{id}/api-keys",
      operationId: "createApiKey",
      summary: "Create a point-of-sale API key",
      description: "For the restaurant's franchisee (its NFT owner) or an admin. The key is shown once.",
      tags: TAGS,
      access: "user",
      params: RestaurantParams,
      body: z
        .object({
          label: z
            .string()
            .trim()
            .min(1)
            .max(100)
            .meta({ description: "What the key is for", examples: ["front counter till"] }),
        })
        .meta({ id: "ApiKeyCreate" }),
      errors: [403, 404],
      responses: { 201: { description: "Created", schema: CreatedApiKeySchema } },
      async handle({ params, body, principal }) {
        const restaurantId = await existingRestaurant(params.id);
        await access.requireManageRestaurant(principal, restaurantId);
        const key = await apiKeys.create({ restaurantId, label: body.label, createdBy: principal.userId });
        return {
          status: 201,
          headers: { "Cache-Control": "no-store" },
          body: {
            id: key.id,
            key: key.key,
            restaurant_id: key.restaurantId.toString(),
            label: key.label,
            created_at: key.createdAt.toISOString(),
          },
        };
      },
    }),

    defineRoute({
      method: "get",
      path: "/restaurants/{id}/api-keys",
      operationId: "listApiKeys",
      summary: "List a restaurant's API keys (never their secrets)",
      tags: TAGS,
      access: "user",
      params: RestaurantParams,
      errors: [403, 404],
      responses: { 200: { description: "The keys", schema: ApiKeyListSchema } },
      async handle({ params, principal }) {
        const restaurantId = await existingRestaurant(params.id);
        await access.requireManageRestaurant(principal, restaurantId);
        const keys = await apiKeys.list(restaurantId);
        return { status: 200, body: { api_keys: keys.map(apiKeyJson) } };
      },
    }),

    defineRoute({
      method: "delete",
      path: "/restaurants/{id}/api-keys/{key_id}",
      operationId: "revokeApiKey",
      summary: "Revoke an API key",
      description: "The key stops working at once on this server, within 30 s on the others.",
      tags: TAGS,
      access: "user",
      params: ApiKeyParams,
      errors: [403, 404],
      responses: { 204: { description: "Revoked (also when it already was)" } },
      async handle({ params, principal }) {
        const restaurantId = await existingRestaurant(params.id);
        await access.requireManageRestaurant(principal, restaurantId);
        if (!(await apiKeys.revoke(restaurantId, params.key_id))) throw notFound("API key");
        return { status: 204 };
      },
    }),

    defineRoute({
      method: "put",
      path: "/users/{id}/roles",
      operationId: "setUserRoles",
      summary: "Set a person's granted roles (admin only)",
      description:
        "Replaces the roles. They reach the person's requests when they next sign in (tokens carry roles, at most one token lifetime).",
      tags: TAGS,
      access: "user",
      params: z.object({
        id: z.uuid().meta({ description: "User id", examples: ["3f1c2a9e-5b7d-4c1e-9a0b-2d4e6f8a1b3c"] }),
      }),
      body: z
        .object({
          roles: z
            .array(z.enum(GRANTED_ROLES))
            .max(GRANTED_ROLES.length)
            .meta({ description: "The complete set of granted roles", examples: [["kyc_officer"]] }),
        })
        .meta({ id: "RolesUpdate" }),
      errors: [403, 404, 409],
      responses: { 200: { description: "The user with the new roles", schema: UserSchema } },
      async handle({ params, body, principal }) {
        access.requireRole(principal, "admin");
        if (params.id.toLowerCase() === principal.userId.toLowerCase() && !body.roles.includes("admin")) {
          throw conflict("an admin cannot remove their own admin role; ask another admin");
        }
        const user = await setUserRoles(db, params.id, body.roles);
        if (user === undefined) throw notFound("user");
        return { status: 200, body: userJson(user) };
      },
    }),

    defineRoute({
      method: "get",
      path: "/users",
      operationId: "listUsers",
      summary: "Find people (admin only)",
      description:
        "Newest first: by address (one person), or the holders of a granted role (`any`: of any), to grant or revoke roles with PUT /users/{id}/roles.",
      tags: TAGS,
      access: "user",
      query: z.object({
        address: Address.optional(),
        role: z
          .enum([...GRANTED_ROLES, "any"])
          .optional()
          .meta({ description: "Holders of this granted role; `any`: of any granted role", examples: ["any"] }),
        after: z.uuid("a user id").optional().meta({ description: "next_after of the previous page" }),
        limit: Limit,
      }),
      errors: [403],
      responses: {
        200: {
          description: "A page of people",
          schema: z.object({ users: z.array(UserSchema), next_after: z.uuid().nullable() }).meta({ id: "UserList" }),
        },
      },
      async handle({ query, principal }) {
        access.requireRole(principal, "admin");
        const users = await listUsers(db, {
          address: query.address?.toLowerCase(),
          role: query.role,
          after: query.after,
          limit: query.limit,
        });
        const last = users.at(-1);
        return {
          status: 200,
          body: {
            users: users.map(userJson),
            next_after: users.length < query.limit ? null : (last?.id ?? null),
          },
        };
      },
    }),
  ];
}
