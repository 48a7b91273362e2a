/**
 * The tables the indexer writes, described once: column names and Postgres types drive loading,
 * bulk inserts (unnest), rollback and the derived-state versioning. They mirror
 * prisma/schema.prisma; test/database/schema-drift.ts keeps that file honest against the database.
 */
export type ColumnType = "text" | "int4" | "int8" | "numeric" | "bool" | "timestamptz" | "jsonb" | "text[]";

export interface TableSpec {
  readonly name: string;
  readonly columns: readonly (readonly [name: string, type: ColumnType])[];
}

/** Derived state versioned by block range: `key` identifies the entity, rows span [block_from, block_to). */
export interface VersionedTableSpec extends TableSpec {
  readonly key: string;
}

export type Value = string | number | bigint | boolean | Date | null | readonly string[] | Record<string, unknown>;
export type Row = Record<string, Value>;

const VERSION_COLUMNS = [
  ["block_from", "int8"],
  ["block_to", "int8"],
] as const;

function versioned(
  name: string,
  key: readonly [string, ColumnType],
  columns: TableSpec["columns"],
): VersionedTableSpec {
  return { name, key: key[0], columns: [key, ...VERSION_COLUMNS, ...columns] };
}

export const ACCOUNT = versioned(
  "account",
  ["address", "text"],
  [
    ["balance", "numeric"],
    ["total_earned", "numeric"],
    ["total_redeemed", "numeric"],
    ["transfer_count", "int4"],
    ["first_seen_block", "int8"],
    ["points_debt", "numeric"],
  ],
);

export const TOKEN_SUPPLY = versioned(
  "token_supply",
  ["token", "text"],
  [
    ["total_supply", "numeric"],
    ["total_minted", "numeric"],
    ["total_burned", "numeric"],
    ["holders", "int4"],
  ],
);

export const KYC_ATTESTATION = versioned(
  "kyc_attestation",
  ["account", "text"],
  [
    ["level", "int4"],
    ["expires_at", "timestamptz"],
    ["evidence_hash", "text"],
    ["officer", "text"],
    ["revoked", "bool"],
    ["attested_at", "timestamptz"],
    ["revoked_at", "timestamptz"],
  ],
);

export const FRANCHISE = versioned(
  "franchise",
  ["restaurant_id", "numeric"],
  [
    ["owner", "text"],
    ["fee_bps", "int4"],
    ["metadata_uri", "text"],
    ["active", "bool"],
    ["registered_block", "int8"],
    ["registered_at", "timestamptz"],
    ["order_count", "int4"],
    ["revenue", "numeric"],
    ["franchisee_amount", "numeric"],
    ["platform_fees", "numeric"],
  ],
);

export const ORDER = versioned(
  "order",
  ["order_id", "text"],
  [
    ["kind", "text"],
    ["status", "text"],
    ["restaurant_id", "numeric"],
    ["customer", "text"],
    ["token", "text"],
    ["price", "numeric"],
    ["discount", "numeric"],
    ["points_redeemed", "numeric"],
    ["paid", "numeric"],
    ["refunded_amount", "numeric"],
    ["franchisee_amount", "numeric"],
    ["platform_fee", "numeric"],
    ["reward", "numeric"],
    ["points_clawed_back", "numeric"],
    ["reclaim_after", "timestamptz"],
    ["payment_ref", "text"],
    ["receipt_digest", "text"],
    ["receipt_cid", "text"],
    ["placed_block", "int8"],
    ["placed_at", "timestamptz"],
    ["placed_tx", "text"],
    ["closed_block", "int8"],
    ["closed_at", "timestamptz"],
    ["closed_tx", "text"],
  ],
);

export const PLATFORM_PARAMETER = versioned("platform_parameter", ["key", "text"], [["value", "jsonb"]]);

export const VERSIONED_TABLES = [ACCOUNT, TOKEN_SUPPLY, KYC_ATTESTATION, FRANCHISE, ORDER, PLATFORM_PARAMETER] as const;

const FACT_COLUMNS = [
  ["block_number", "int8"],
  ["log_index", "int4"],
  ["block_timestamp", "timestamptz"],
  ["tx_hash", "text"],
] as const;

export const CHAIN_EVENT: TableSpec = {
  name: "chain_event",
  columns: [
    ["chain_id", "int4"],
    ...FACT_COLUMNS,
    ["block_hash", "text"],
    ["tx_index", "int4"],
    ["contract", "text"],
    ["contract_name", "text"],
    ["event_name", "text"],
    ["args", "jsonb"],
    ["subjects", "text[]"],
  ],
};

export const TRANSFER: TableSpec = {
  name: "transfer",
  columns: [...FACT_COLUMNS, ["from", "text"], ["to", "text"], ["value", "numeric"]],
};

export const REWARD: TableSpec = {
  name: "reward",
  columns: [...FACT_COLUMNS, ["account", "text"], ["order_id", "text"], ["amount", "numeric"]],
};

export const REDEMPTION: TableSpec = {
  name: "redemption",
  columns: [
    ...FACT_COLUMNS,
    ["account", "text"],
    ["amount", "numeric"],
    ["redeemer", "text"],
    ["reason", "text"],
    ["order_id", "text"],
  ],
};

export const CARD_REFUND: TableSpec = {
  name: "card_refund",
  columns: [
    ...FACT_COLUMNS,
    ["order_id", "text"],
    ["refund_ref", "text"],
    ["amount", "numeric"],
    ["remaining_amount", "numeric"],
    ["points_clawed_back", "numeric"],
    ["points_shortfall", "numeric"],
  ],
};

/** Append-only facts other than the raw events (which also carry the chain id). */
export const FACT_TABLES = [TRANSFER, REWARD, REDEMPTION, CARD_REFUND] as const;
