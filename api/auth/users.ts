/**
 * The `app_user` rows this folder reads and writes, and their JSON form. Kept in one place so
 * sign-in (wallet or custodial), /auth/me and role grants answer with the same user shape.
 */
import * as z from "zod";

import type { Database } from "../../lib/db/client.ts";
import { GRANTED_ROLES, type GrantedRole, type UserPrincipal } from "./principal.ts";

export interface UserRecord {
  readonly id: string;
  /** Lower-case 0x address. */
  readonly address: string;
  readonly custodial: boolean;
  readonly custodialIndex: number | null;
  readonly roles: readonly GrantedRole[];
  readonly createdAt: Date;
}

export interface UserRow {
  id: string;
  address: string;
  custodial: boolean;
  custodial_index: number | null;
  roles: string[] | null;
  created_at: Date;
}

export const USER_COLUMNS = "id, address, custodial, custodial_index, roles, created_at";

const isGrantedRole = (role: string): role is GrantedRole => (GRANTED_ROLES as readonly string[]).includes(role);

export function userFromRow(row: UserRow): UserRecord {
  return {
    id: row.id,
    address: row.address,
    custodial: row.custodial,
    custodialIndex: row.custodial_index,
    // Unknown strings (a role since retired) are dropped rather than trusted.
    roles: (row.roles ?? []).filter(isGrantedRole).sort(),
    createdAt: row.created_at,
  };
}

export function principalOfUser(user: UserRecord): UserPrincipal {
  return {
    kind: "user",
    userId: user.id,
    address: user.address,
    custodial: user.custodial,
    roles: new Set(user.roles),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);

export async function findUser(db: Database, id: string): Promise<UserRecord | undefined> {
  if (!isUuid(id)) return undefined;
  const { rows } = await db.pool.query<UserRow>(`SELECT ${USER_COLUMNS} FROM app_user WHERE id = $1`, [id]);
  return rows[0] === undefined ? undefined : userFromRow(rows[0]);
}

/** Replaces the granted roles; undefined when there is no such user. */
export async function setUserRoles(
  db: Database,
  id: string,
  roles: readonly GrantedRole[],
): Promise<UserRecord | undefined> {
  if (!isUuid(id)) return undefined;
  const { rows } = await db.pool.query<UserRow>(
    `UPDATE app_user SET roles = $2::text[] WHERE id = $1 RETURNING ${USER_COLUMNS}`,
    [id, [...new Set(roles)].sort()],
  );
  return rows[0] === undefined ? undefined : userFromRow(rows[0]);
}

export interface UserFilter {
  /** Lower-case 0x address: that one person. */
  readonly address: string | undefined;
  /** People holding this granted role, or any granted role. */
  readonly role: GrantedRole | "any" | undefined;
  /** The id of the last user of the previous page. */
  readonly after: string | undefined;
  readonly limit: number;
}

/** People, newest first: for admins finding whom to grant a role. */
export async function listUsers(db: Database, filter: UserFilter): Promise<UserRecord[]> {
  const { rows } = await db.pool.query<UserRow>(
    `SELECT ${USER_COLUMNS} FROM app_user u
      WHERE ($1::text IS NULL OR u.address = $1)
        AND ($2::text IS NULL OR ($2 = 'any' AND cardinality(u.roles) > 0) OR $2 = ANY (u.roles))
        AND ($3::uuid IS NULL OR (u.created_at, u.id) < (SELECT created_at, id FROM app_user WHERE id = $3))
      ORDER BY u.created_at DESC, u.id DESC
      LIMIT $4`,
    [filter.address ?? null, filter.role ?? null, filter.after ?? null, filter.limit],
  );
  return rows.map(userFromRow);
}

export const UserSchema = z
  .object({
    id: z.uuid().meta({ description: "User id", examples: ["3f1c2a9e-5b7d-4c1e-9a0b-2d4e6f8a1b3c"] }),
    address: z.string().meta({
      description: "Lower-case address: the person's wallet, or the custodial address the platform holds for them",
      examples: ["0x9bf4bee5bfbebb3a4b7060dae40ca6fd49305d60"],
    }),
    custodial: z.boolean().meta({ description: "True when the platform holds this address's key", examples: [false] }),
    roles: z.array(z.enum(GRANTED_ROLES)).meta({
      description: "Roles granted by an admin (franchisee is read from the chain)",
      examples: [["kyc_officer"]],
    }),
    created_at: z.iso
      .datetime()
      .meta({ description: "When the user first signed in", examples: ["2026-11-26T12:00:00.000Z"] }),
  })
  .meta({ id: "User" });

export type UserJson = z.infer<typeof UserSchema>;

export function userJson(user: UserRecord): UserJson {
  return {
    id: user.id,
    address: user.address,
    custodial: user.custodial,
    roles: [...user.roles],
    created_at: user.createdAt.toISOString(),
  };
}
