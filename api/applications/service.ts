/**
 * Restaurant applications: a signed-in person asks to run a restaurant (name, location, a note);
 * an admin approves it, which registers the restaurant for the applicant through the one
 * registration path (restaurants/service.ts: profile, metadata on IPFS, franchise NFT queued), or
 * rejects it with a reason. Applying needs no KYC, so a person can apply while their verification
 * runs; approving does, because the franchise NFT only goes to KYC-verified owners.
 */
import { getAddress } from "viem";

import { inTransaction, onlyRow } from "../../lib/db/client.ts";
import { hasRole, type UserPrincipal } from "../auth/principal.ts";
import type { Platform } from "../platform.ts";
import { Forbidden, NotFound, Conflict } from "../errors.ts";
import { currentSql } from "../mirror/blocks.ts";
import { verifiedOwnerSql } from "../mirror/kyc.ts";
import { registerRestaurant, restaurantStatus, type RestaurantStatus } from "../restaurants/service.ts";

export const APPLICATION_STATUSES = ["pending", "approved", "rejected"] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export interface ApplicationView {
  readonly id: string;
  readonly status: ApplicationStatus;
  readonly name: string;
  readonly location: string;
  readonly note: string | null;
  readonly applicant_id: string;
  readonly applicant_address: string;
  /** Whether the mirror shows the applicant KYC-verified now: approval needs it. */
  readonly applicant_kyc_verified: boolean;
  readonly fee_bps: number | null;
  /** The restaurant registered on approval, and where it stands on chain. */
  readonly restaurant_id: string | null;
  readonly restaurant_status: RestaurantStatus | null;
  readonly rejection_reason: string | null;
  readonly created_at: string;
  readonly decided_at: string | null;
}

interface ApplicationRow {
  id: string;
  status: ApplicationStatus;
  name: string;
  location: string;
  note: string | null;
  applicant_id: string;
  applicant_address: string;
  applicant_kyc_verified: boolean;
  fee_bps: number | null;
  restaurant_id: string | null;
  restaurant_active: boolean | null;
  rejection_reason: string | null;
  created_at: Date;
  decided_at: Date | null;
}

/** $1 is the KYC level FranchiseNFT requires of owners. */
const SELECT_APPLICATIONS = `
  SELECT a.id, a.status, a.name, a.location, a.note, a.applicant_id, u.address AS applicant_address,
         ${verifiedOwnerSql("u.address", "$1")} AS applicant_kyc_verified,
         a.fee_bps, a.restaurant_id::text AS restaurant_id, f.active AS restaurant_active,
         a.rejection_reason, a.created_at, a.decided_at
    FROM restaurant_application a
    JOIN app_user u ON u.id = a.applicant_id
    LEFT JOIN franchise f ON f.restaurant_id = a.restaurant_id AND ${currentSql("f")}`;

function viewOf(row: ApplicationRow): ApplicationView {
  return {
    id: row.id,
    status: row.status,
    name: row.name,
    location: row.location,
    note: row.note,
    applicant_id: row.applicant_id,
    applicant_address: row.applicant_address,
    applicant_kyc_verified: row.applicant_kyc_verified,
    fee_bps: row.fee_bps,
    restaurant_id: row.restaurant_id,
    restaurant_status: row.restaurant_id === null ? null : restaurantStatus(row.restaurant_active),
    rejection_reason: row.rejection_reason,
    created_at: row.created_at.toISOString(),
    decided_at: row.decided_at?.toISOString() ?? null,
  };
}

async function findApplication(platform: Platform, id: string): Promise<ApplicationView | undefined> {
  const { rows } = await platform.db.pool.query<ApplicationRow>(`${SELECT_APPLICATIONS} WHERE a.id = $2`, [
    await platform.chain.requiredKycLevel(),
    id,
  ]);
  return rows[0] === undefined ? undefined : viewOf(rows[0]);
}

async function existingApplication(platform: Platform, id: string): Promise<ApplicationView> {
  const application = await findApplication(platform, id);
  if (application === undefined) throw new NotFound(`restaurant application ${id}`);
  return application;
}

export interface NewApplication {
  readonly name: string;
  readonly location: string;
  readonly note: string | undefined;
}

/** The signed-in person applies for themselves; one application at a time waits for a decision. */
export async function applyForRestaurant(
  platform: Platform,
  principal: UserPrincipal,
  input: NewApplication,
): Promise<ApplicationView> {
  const id = await inTransaction(platform.db.pool, async (client) => {
    // Two submissions at once (a double click, two tabs) queue here, so the second finds the first.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('restaurant_application'), hashtext($1))", [
      principal.userId,
    ]);
    const waiting = await client.query<{ id: string }>(
      "SELECT id FROM restaurant_application WHERE applicant_id = $1 AND status = 'pending'",
      [principal.userId],
    );
    const [pending] = waiting.rows;
    if (pending !== undefined) {
      throw new Conflict(`your application ${pending.id} is waiting for a decision; apply again once it is decided`);
    }
    const inserted = await client.query<{ id: string }>(
      `INSERT INTO restaurant_application (applicant_id, name, location, note) VALUES ($1, $2, $3, $4) RETURNING id`,
      [principal.userId, input.name, input.location, input.note === undefined || input.note === "" ? null : input.note],
    );
    return onlyRow(inserted).id;
  });
  return existingApplication(platform, id);
}

/** Admins see every application; anyone else only their own. */
export async function getApplication(
  platform: Platform,
  principal: UserPrincipal,
  id: string,
): Promise<ApplicationView> {
  const application = await existingApplication(platform, id);
  if (!hasRole(principal, "admin") && application.applicant_id !== principal.userId) {
    throw new Forbidden("this is someone else's application");
  }
  return application;
}

export interface ApplicationFilter {
  /** One applicant's; anyone but an admin may name only themselves. */
  readonly applicantId: string | undefined;
  readonly status: ApplicationStatus | undefined;
  /** The id of the last application of the previous page. */
  readonly after: string | undefined;
  readonly limit: number;
}

/** Newest first: any applicant's for admins, the caller's own for anyone else. */
export async function listApplications(
  platform: Platform,
  principal: UserPrincipal,
  filter: ApplicationFilter,
): Promise<ApplicationView[]> {
  let applicant = filter.applicantId ?? null;
  if (!hasRole(principal, "admin")) {
    if (applicant !== null && applicant.toLowerCase() !== principal.userId.toLowerCase()) {
      throw new Forbidden("you may list your own applications only");
    }
    applicant = principal.userId;
  }
  const { rows } = await platform.db.pool.query<ApplicationRow>(
    `${SELECT_APPLICATIONS}
      WHERE ($2::uuid IS NULL OR a.applicant_id = $2)
        AND ($3::text IS NULL OR a.status = $3)
        AND ($4::uuid IS NULL OR (a.created_at, a.id) < (SELECT created_at, id FROM restaurant_application WHERE id = $4))
      ORDER BY a.created_at DESC, a.id DESC
      LIMIT $5`,
    [await platform.chain.requiredKycLevel(), applicant, filter.status ?? null, filter.after ?? null, filter.limit],
  );
  return rows.map(viewOf);
}

function requireAdmin(principal: UserPrincipal, what: string): void {
  if (!hasRole(principal, "admin")) throw new Forbidden(`only an admin ${what} restaurant applications`);
}

/** Thrown inside the registration's transaction when another request decided the application first. */
class DecidedMeanwhile extends Error {
  override readonly name = "DecidedMeanwhile";
}

/**
 * Registers the restaurant for the applicant, in the same transaction as the decision. Approving
 * an approved application again (a double click) answers it as it is: one restaurant, one NFT.
 */
export async function approveApplication(
  platform: Platform,
  principal: UserPrincipal,
  id: string,
  feeBps: number,
): Promise<ApplicationView> {
  requireAdmin(principal, "approves");
  const application = await existingApplication(platform, id);
  if (application.status === "approved") return application;
  if (application.status === "rejected") throw new Conflict(`application ${id} was rejected; it cannot be approved`);
  if (!application.applicant_kyc_verified) {
    throw new Conflict(
      `the applicant ${getAddress(application.applicant_address)} is not KYC-verified yet: ` +
        "approval needs their identity verified on chain, as franchises go to verified owners only",
      "kyc_required",
    );
  }
  try {
    await registerRestaurant(
      platform,
      principal,
      {
        name: application.name,
        location: application.location,
        owner: application.applicant_address,
        feeBps,
      },
      async (client, restaurantId) => {
        const { rowCount } = await client.query(
          `UPDATE restaurant_application
              SET status = 'approved', restaurant_id = $2, fee_bps = $3, decided_by = $4, decided_at = now()
            WHERE id = $1 AND status = 'pending'`,
          [id, restaurantId, feeBps, principal.userId],
        );
        if (rowCount !== 1) throw new DecidedMeanwhile();
      },
    );
  } catch (error) {
    if (!(error instanceof DecidedMeanwhile)) throw error;
  }
  const decided = await existingApplication(platform, id);
  if (decided.status === "rejected")
    throw new Conflict(`application ${id} was rejected meanwhile; it cannot be approved`);
  return decided;
}

/** Rejecting a rejected application again answers it as it is; an approved one stays approved. */
export async function rejectApplication(
  platform: Platform,
  principal: UserPrincipal,
  id: string,
  reason: string,
): Promise<ApplicationView> {
  requireAdmin(principal, "rejects");
  const { rowCount } = await platform.db.pool.query(
    `UPDATE restaurant_application
        SET status = 'rejected', rejection_reason = $2, decided_by = $3, decided_at = now()
      WHERE id = $1 AND status = 'pending'`,
    [id, reason, principal.userId],
  );
  const application = await existingApplication(platform, id);
  if (rowCount === 0 && application.status === "approved") {
    throw new Conflict(
      `application ${id} was approved (restaurant ${application.restaurant_id ?? "?"}); it cannot be rejected`,
    );
  }
  return application;
}
