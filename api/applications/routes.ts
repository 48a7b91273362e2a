/** REST: restaurant applications (`/api/v1/restaurant-applications…`): people apply, admins decide. */
import * as z from "zod";

import type { Platform } from "../platform.ts";
import { defineRoute, type Route } from "../rest/route.ts";
import { Limit, RestaurantIdText, Timestamp, Uuid } from "../rest/schemas.ts";
import { PlatformFeeBps, RestaurantLocation, RestaurantName } from "../restaurants/routes.ts";
import {
  APPLICATION_STATUSES,
  applyForRestaurant,
  approveApplication,
  getApplication,
  listApplications,
  rejectApplication,
} from "./service.ts";

const TAGS = ["restaurant applications"];
const EXAMPLE_ID = "5b2e8c1d-7a4f-4e3b-9c6d-1f0a2b3c4d5e";

const Status = z.enum(APPLICATION_STATUSES).meta({
  description: "pending: waiting for an admin; approved: the restaurant is registered for the applicant; rejected",
  examples: ["pending"],
});

const Application = z
  .object({
    id: Uuid,
    status: Status,
    name: z.string().meta({ examples: ["Test Restaurant"] }),
    location: z.string().meta({ examples: ["Tbilisi, Rustaveli Ave 1"] }),
    note: z
      .string()
      .nullable()
      .meta({ examples: ["Twelve years running a dumpling house in Vake."] }),
    applicant_id: Uuid.meta({ description: "The person who applied (the franchisee-to-be)" }),
    applicant_address: z.string().meta({
      description: "Their lower-case address: the franchise NFT is minted to it on approval",
      examples: ["0x976ea74026e726554db657fa54763abd0c3a0aa9"],
    }),
    applicant_kyc_verified: z.boolean().meta({
      description:
        "Whether the applicant is KYC-verified on chain now (as indexed). Approval needs it: until then the application waits.",
      examples: [true],
    }),
    fee_bps: z
      .number()
      .int()
      .nullable()
      .meta({ description: "The platform fee the restaurant was registered with (once approved)", examples: [null] }),
    restaurant_id: RestaurantIdText.nullable().meta({
      description: "The restaurant registered on approval (GET /restaurants/{id})",
      examples: [null],
    }),
    restaurant_status: z
      .enum(["registering", "active", "inactive"])
      .nullable()
      .meta({
        description: "That restaurant's state: registering until its franchise NFT is on chain",
        examples: [null],
      }),
    rejection_reason: z
      .string()
      .nullable()
      .meta({ examples: [null] }),
    created_at: Timestamp,
    decided_at: Timestamp.nullable(),
  })
  .meta({ id: "RestaurantApplication" });

const NewApplication = z
  .object({
    name: RestaurantName,
    location: RestaurantLocation.meta({ examples: ["Tbilisi, Rustaveli Ave 1"] }),
    note: z
      .string("a note, as text")
      .trim()
      .max(1000, "at most 1000 characters")
      .optional()
      .meta({
        description: "Anything the admins should know (experience, the premises)",
        examples: ["Twelve years running a dumpling house in Vake."],
      }),
  })
  .meta({ id: "NewRestaurantApplication" });

const Approval = z.object({ fee_bps: PlatformFeeBps }).meta({ id: "RestaurantApplicationApproval" });

const Rejection = z
  .object({
    reason: z
      .string("the reason, as text")
      .trim()
      .min(1, "say why the application is rejected")
      .max(500, "at most 500 characters")
      .meta({ description: "Shown to the applicant", examples: ["We already have a restaurant on this street."] }),
  })
  .meta({ id: "RestaurantApplicationRejection" });

const ApplicationPath = z.object({ id: Uuid.meta({ examples: [EXAMPLE_ID] }) });

export function applicationRoutes(platform: Platform): Route[] {
  return [
    defineRoute({
      method: "post",
      path: "/restaurant-applications",
      operationId: "applyForRestaurant",
      summary: "Apply to run a restaurant",
      description:
        "The signed-in person applies for themselves. KYC is not needed to apply, but an admin can approve only " +
        "once the applicant is KYC-verified (`applicant_kyc_verified`). One application at a time waits for a decision.",
      tags: TAGS,
      access: "user",
      body: NewApplication,
      responses: { 201: { description: "Applied; waiting for an admin", schema: Application } },
      errors: [403, 409],
      handle: async ({ body, principal }) => ({
        status: 201,
        body: await applyForRestaurant(platform, principal, {
          name: body.name,
          location: body.location,
          note: body.note,
        }),
      }),
    }),
    defineRoute({
      method: "get",
      path: "/restaurant-applications",
      operationId: "listRestaurantApplications",
      summary: "List restaurant applications, newest first",
      description: "Admins see every application (or one applicant's); anyone else their own.",
      tags: TAGS,
      access: "user",
      query: z.object({
        applicant_id: Uuid.optional().meta({ description: "One applicant's (anyone but an admin: their own id)" }),
        status: Status.optional(),
        after: Uuid.optional().meta({ description: "next_after of the previous page" }),
        limit: Limit,
      }),
      responses: {
        200: {
          description: "A page of applications",
          schema: z.object({ applications: z.array(Application), next_after: Uuid.nullable() }),
        },
      },
      errors: [403],
      handle: async ({ query, principal }) => {
        const applications = await listApplications(platform, principal, {
          applicantId: query.applicant_id,
          status: query.status,
          after: query.after,
          limit: query.limit,
        });
        const last = applications.at(-1);
        return {
          status: 200,
          body: { applications, next_after: applications.length < query.limit ? null : (last?.id ?? null) },
        };
      },
    }),
    defineRoute({
      method: "get",
      path: "/restaurant-applications/{id}",
      operationId: "getRestaurantApplication",
      summary: "One restaurant application (its applicant, admins)",
      tags: TAGS,
      access: "user",
      params: ApplicationPath,
      responses: { 200: { description: "The application", schema: Application } },
      errors: [403, 404],
      handle: async ({ params, principal }) => ({
        status: 200,
        body: await getApplication(platform, principal, params.id),
      }),
    }),
    defineRoute({
      method: "post",
      path: "/restaurant-applications/{id}/approve",
      operationId: "approveRestaurantApplication",
      summary: "Approve an application (admin): register the restaurant for the applicant",
      description:
        "Registers the restaurant as POST /restaurants does, with the applicant as owner: profile stored, metadata on " +
        "IPFS, franchise NFT queued for the chain (`restaurant_status` is `registering` until it is there). 409 " +
        "`kyc_required` while the applicant is not KYC-verified. Approving an approved application again answers it " +
        "unchanged: one restaurant, one NFT.",
      tags: TAGS,
      access: "user",
      params: ApplicationPath,
      body: Approval,
      responses: { 200: { description: "Approved; the restaurant is registering", schema: Application } },
      errors: [403, 404, 409],
      handle: async ({ params, body, principal }) => ({
        status: 200,
        body: await approveApplication(platform, principal, params.id, body.fee_bps),
      }),
    }),
    defineRoute({
      method: "post",
      path: "/restaurant-applications/{id}/reject",
      operationId: "rejectRestaurantApplication",
      summary: "Reject an application (admin), saying why",
      description: "The applicant sees the reason and may apply again. An approved application cannot be rejected.",
      tags: TAGS,
      access: "user",
      params: ApplicationPath,
      body: Rejection,
      responses: { 200: { description: "Rejected", schema: Application } },
      errors: [403, 404, 409],
      handle: async ({ params, body, principal }) => ({
        status: 200,
        body: await rejectApplication(platform, principal, params.id, body.reason),
      }),
    }),
  ];
}
