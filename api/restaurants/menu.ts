/** Menus: off-chain data the restaurant's owner (or an admin) keeps; orders price from them. */
import { onlyRow } from "../../lib/db/client.ts";
import type { Principal } from "../auth/principal.ts";
import { formatGel } from "../money.ts";
import type { Platform } from "../platform.ts";
import { Forbidden, NotFound } from "../errors.ts";

export interface MenuItemView {
  readonly id: string;
  readonly restaurant_id: string;
  readonly name: string;
  readonly description: string;
  readonly price: string;
  readonly price_tetri: number;
  readonly available: boolean;
  readonly updated_at: string;
}

interface MenuItemRow {
  id: string;
  restaurant_id: string;
  name: string;
  description: string;
  price_tetri: string;
  available: boolean;
  updated_at: Date;
}

const COLUMNS = `id, restaurant_id::text, name, description, price_tetri::text, available, updated_at`;

function viewOf(row: MenuItemRow): MenuItemView {
  return {
    id: row.id,
    restaurant_id: row.restaurant_id,
    name: row.name,
    description: row.description,
    price: formatGel(BigInt(row.price_tetri)),
    price_tetri: Number(row.price_tetri),
    available: row.available,
    updated_at: row.updated_at.toISOString(),
  };
}

async function requireManager(platform: Platform, principal: Principal, restaurantId: bigint): Promise<void> {
  const { rowCount } = await platform.db.pool.query(`SELECT 1 FROM restaurant WHERE id = $1`, [String(restaurantId)]);
  if (rowCount === 0) throw new NotFound(`restaurant ${restaurantId}`);
  if (!(await platform.access.canManageRestaurant(principal, restaurantId))) {
    throw new Forbidden(`only restaurant ${restaurantId}'s owner or an admin manages its menu`);
  }
}

export async function listMenu(
  platform: Platform,
  filter: { restaurantId?: bigint; includeUnavailable: boolean; after?: string; limit: number },
): Promise<MenuItemView[]> {
  const { rows } = await platform.db.pool.query<MenuItemRow>(
    `SELECT ${COLUMNS} FROM menu_item
      WHERE ($1::bigint IS NULL OR restaurant_id = $1) AND ($2 OR available)
        AND ($3::uuid IS NULL OR id > $3)
      ORDER BY id LIMIT $4`,
    [filter.restaurantId?.toString() ?? null, filter.includeUnavailable, filter.after ?? null, filter.limit],
  );
  return rows.map(viewOf);
}

export interface NewMenuItem {
  readonly name: string;
  readonly description: string;
  readonly priceTetri: bigint;
  readonly available: boolean;
}

export async function addMenuItem(
  platform: Platform,
  principal: Principal,
  restaurantId: bigint,
  item: NewMenuItem,
): Promise<MenuItemView> {
  await requireManager(platform, principal, restaurantId);
  const inserted = await platform.db.pool.query<MenuItemRow>(
    `INSERT INTO menu_item (restaurant_id, name, description, price_tetri, available)
     VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
    [String(restaurantId), item.name, item.description, String(item.priceTetri), item.available],
  );
  return viewOf(onlyRow(inserted));
}

export async function updateMenuItem(
  platform: Platform,
  principal: Principal,
  restaurantId: bigint,
  itemId: string,
  change: Partial<NewMenuItem>,
): Promise<MenuItemView> {
  await requireManager(platform, principal, restaurantId);
  const { rows } = await platform.db.pool.query<MenuItemRow>(
    `UPDATE menu_item SET name = COALESCE($3, name), description = COALESCE($4, description),
            price_tetri = COALESCE($5, price_tetri), available = COALESCE($6, available), updated_at = now()
      WHERE restaurant_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [
      String(restaurantId),
      itemId,
      change.name ?? null,
      change.description ?? null,
      change.priceTetri?.toString() ?? null,
      change.available ?? null,
    ],
  );
  if (rows[0] === undefined) throw new NotFound(`menu item ${itemId} of restaurant ${restaurantId}`);
  return viewOf(rows[0]);
}

/** Orders keep their own copy of the lines they bought, so deleting an item loses nothing. */
export async function deleteMenuItem(
  platform: Platform,
  principal: Principal,
  restaurantId: bigint,
  itemId: string,
): Promise<void> {
  await requireManager(platform, principal, restaurantId);
  const { rowCount } = await platform.db.pool.query(`DELETE FROM menu_item WHERE restaurant_id = $1 AND id = $2`, [
    String(restaurantId),
    itemId,
  ]);
  if (rowCount === 0) throw new NotFound(`menu item ${itemId} of restaurant ${restaurantId}`);
}
