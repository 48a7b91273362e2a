/** REST: restaurants and their menus (`/api/v1/restaurants…`, `/api/v1/menu`). */
import * as z from "zod";

import { GelAmount } from "../money.ts";
import type { Platform } from "../platform.ts";
import { forbidden } from "../rest/errors.ts";
import { defineRoute, type Route } from "../rest/route.ts";
import { Address, Limit, RestaurantId, RestaurantIdText, Timestamp, Uuid } from "../rest/schemas.ts";
import { addMenuItem, deleteMenuItem, listMenu, updateMenuItem } from "./menu.ts";
import { getRestaurant, listRestaurants, registerRestaurant } from "./service.ts";

const Restaurant = z
  .object({
    id: RestaurantIdText,
    name: z
      .string()
      .nullable()
      .meta({ examples: ["Hot Pot Spot Vake"] }),
    location: z
      .string()
      .nullable()
      .meta({ examples: ["Tbilisi, Chavchavadze Ave 37"] }),
    status: z.enum(["registering", "active", "inactive"]).meta({
      description: "registering: queued for the chain; active/inactive: the franchise NFT's state",
      examples: ["active"],
    }),
    owner: z
      .string()
      .nullable()
      .meta({ description: "Franchise NFT owner (lower-case)", examples: [null] }),
    fee_bps: z
      .number()
      .int()
      .nullable()
      .meta({ description: "Platform fee in basis points", examples: [1000] }),
    metadata_uri: z
      .string()
      .nullable()
      .meta({ examples: ["ipfs://bafkreib…"] }),
  })
  .meta({ id: "Restaurant" });

const MenuItem = z
  .object({
    id: Uuid,
    restaurant_id: RestaurantIdText,
    name: z.string().meta({ examples: ["Hot Pot"] }),
    description: z.string().meta({ examples: ["Spicy Sichuan broth for two"] }),
    price: z.string().meta({ description: "Price in GEL", examples: ["25.00"] }),
    price_tetri: z
      .number()
      .int()
      .meta({ description: "Price in tetri (1/100 GEL)", examples: [2500] }),
    available: z.boolean().meta({ examples: [true] }),
    updated_at: Timestamp,
  })
  .meta({ id: "MenuItem" });

// The messages are what the franchisee reads beside the menu form's fields.
const Name = z
  .string("the item's name, as text")
  .trim()
  .min(1, "enter the item's name")
  .max(100, "at most 100 characters");
const Description = z.string("a description, as text").trim().max(1000, "at most 1000 characters");

/** A restaurant's name, location and platform fee, as registering it (or applying for it) takes them. */
export const RestaurantName = z
  .string("the restaurant's name, as text")
  .trim()
  .min(1, "enter the restaurant's name")
  .max(100, "at most 100 characters")
  .meta({ examples: ["Test Restaurant"] });
export const RestaurantLocation = z
  .string("where the restaurant is, as text")
  .trim()
  .min(1, "enter where the restaurant is")
  .max(200, "at most 200 characters")
  .meta({ examples: ["Test City"] });
export const PlatformFeeBps = z
  .number("the platform fee in basis points, a whole number")
  .int("the platform fee in basis points, a whole number")
  .min(0, "the platform fee cannot be negative")
  .max(5000, "the platform fee is at most 5000 basis points (50 %)")
  .default(1000)
  .meta({ description: "Platform fee in basis points (1000 = 10 %)", examples: [1000] });

const NewRestaurant = z
  .object({
    name: RestaurantName,
    location: RestaurantLocation,
    owner: Address.meta({ description: "The franchisee: receives the franchise NFT; must be KYC-verified" }),
    fee_bps: PlatformFeeBps,
  })
  .meta({ id: "NewRestaurant" });

const NewMenuItem = z
  .object({
    name: Name.meta({ examples: ["Hot Pot"] }),
    description: Description.default("").meta({ examples: ["Spicy Sichuan broth for two"] }),
    price: GelAmount,
    available: z
      .boolean()
      .default(true)
      .meta({ examples: [true] }),
  })
  .meta({ id: "NewMenuItem" });

const MenuItemChange = z
  .object({
    name: Name.optional().meta({ examples: ["Hot Pot Deluxe"] }),
    description: Description.optional().meta({ examples: ["With wagyu"] }),
    price: GelAmount.optional(),
    available: z
      .boolean()
      .optional()
      .meta({ examples: [false] }),
  })
  .refine((change) => Object.keys(change).length > 0, "change at least one field")
  .meta({ id: "MenuItemChange" });

const RestaurantPath = z.object({ id: RestaurantId });
const ItemPath = z.object({ id: RestaurantId, item_id: Uuid });

export function restaurantRoutes(platform: Platform): Route[] {
  return [
    defineRoute({
      method: "post",
      path: "/restaurants",
      operationId: "registerRestaurant",
      summary: "Register a restaurant (admin)",
      description:
        "Stores the profile, puts the franchise metadata on IPFS and queues the franchise NFT for the owner. " +
        "The restaurant is `registering` until the chain has it.",
      tags: ["restaurants"],
      access: "user",
      body: NewRestaurant,
      responses: { 201: { description: "Registered; minting is queued", schema: Restaurant } },
      errors: [403, 409],
      handle: async ({ body, principal }) => ({
        status: 201,
        body: await registerRestaurant(platform, principal, {
          name: body.name,
          location: body.location,
          owner: body.owner,
          feeBps: body.fee_bps,
        }),
      }),
    }),
    defineRoute({
      method: "get",
      path: "/restaurants",
      operationId: "listRestaurants",
      summary: "List restaurants",
      tags: ["restaurants"],
      access: "public",
      query: z.object({ after: RestaurantIdText.optional(), limit: Limit }),
      responses: { 200: { description: "Restaurants by id", schema: z.object({ restaurants: z.array(Restaurant) }) } },
      handle: async ({ query }) => ({
        status: 200,
        body: {
          restaurants: await listRestaurants(platform, {
            after: query.after === undefined ? undefined : BigInt(query.after),
            limit: query.limit,
          }),
        },
      }),
    }),
    defineRoute({
      method: "get",
      path: "/restaurants/{id}",
      operationId: "getRestaurant",
      summary: "One restaurant",
      tags: ["restaurants"],
      access: "public",
      params: RestaurantPath,
      responses: { 200: { description: "The restaurant", schema: Restaurant } },
      errors: [404],
      handle: async ({ params }) => ({ status: 200, body: await getRestaurant(platform, params.id) }),
    }),
    defineRoute({
      method: "get",
      path: "/restaurants/{id}/menu",
      operationId: "getRestaurantMenu",
      summary: "A restaurant's menu",
      description: "Available items; the restaurant's owner and admins may add `include_unavailable=true`.",
      tags: ["menu"],
      access: "public",
      params: RestaurantPath,
      query: z.object({
        include_unavailable: z
          .enum(["true", "false"])
          .default("false")
          .meta({ examples: ["false"] }),
        after: Uuid.optional(),
        limit: Limit,
      }),
      responses: { 200: { description: "Menu items", schema: z.object({ items: z.array(MenuItem) }) } },
      errors: [403, 404],
      handle: async ({ params, query, principal }) => {
        const includeUnavailable = query.include_unavailable === "true";
        if (includeUnavailable && !(await platform.access.canManageRestaurant(principal, params.id))) {
          throw forbidden("only the restaurant's owner or an admin sees unavailable items");
        }
        await getRestaurant(platform, params.id);
        return {
          status: 200,
          body: {
            items: await listMenu(platform, {
              restaurantId: params.id,
              includeUnavailable,
              after: query.after,
              limit: query.limit,
            }),
          },
        };
      },
    }),
    defineRoute({
      method: "post",
      path: "/restaurants/{id}/menu",
      operationId: "addMenuItem",
      summary: "Add a menu item (restaurant owner or admin)",
      tags: ["menu"],
      access: "user",
      params: RestaurantPath,
      body: NewMenuItem,
      responses: { 201: { description: "The new item", schema: MenuItem } },
      errors: [403, 404],
      handle: async ({ params, body, principal }) => ({
        status: 201,
        body: await addMenuItem(platform, principal, params.id, {
          name: body.name,
          description: body.description,
          priceTetri: body.price,
          available: body.available,
        }),
      }),
    }),
    defineRoute({
      method: "patch",
      path: "/restaurants/{id}/menu/{item_id}",
      operationId: "updateMenuItem",
      summary: "Change a menu item (restaurant owner or admin)",
      tags: ["menu"],
      access: "user",
      params: ItemPath,
      body: MenuItemChange,
      responses: { 200: { description: "The item after the change", schema: MenuItem } },
      errors: [403, 404],
      handle: async ({ params, body, principal }) => ({
        status: 200,
        body: await updateMenuItem(platform, principal, params.id, params.item_id, {
          name: body.name,
          description: body.description,
          priceTetri: body.price,
          available: body.available,
        }),
      }),
    }),
    defineRoute({
      method: "delete",
      path: "/restaurants/{id}/menu/{item_id}",
      operationId: "deleteMenuItem",
      summary: "Remove a menu item (restaurant owner or admin)",
      tags: ["menu"],
      access: "user",
      params: ItemPath,
      responses: { 204: { description: "Removed" } },
      errors: [403, 404],
      handle: async ({ params, principal }) => {
        await deleteMenuItem(platform, principal, params.id, params.item_id);
        return { status: 204 };
      },
    }),
    defineRoute({
      method: "get",
      path: "/menu",
      operationId: "listMenu",
      summary: "Available menu items of every restaurant",
      tags: ["menu"],
      access: "public",
      query: z.object({ restaurant_id: RestaurantId.optional(), after: Uuid.optional(), limit: Limit }),
      responses: { 200: { description: "Menu items", schema: z.object({ items: z.array(MenuItem) }) } },
      handle: async ({ query }) => ({
        status: 200,
        body: {
          items: await listMenu(platform, {
            restaurantId: query.restaurant_id,
            includeUnavailable: false,
            after: query.after,
            limit: query.limit,
          }),
        },
      }),
    }),
  ];
}
