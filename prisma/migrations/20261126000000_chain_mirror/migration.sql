-- CreateTable
CREATE TABLE "indexer_cursor" (
    "chain_id" INTEGER NOT NULL,
    "start_block" BIGINT NOT NULL,
    "start_block_hash" TEXT NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "block_timestamp" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "indexer_cursor_pkey" PRIMARY KEY ("chain_id")
);

-- CreateTable
CREATE TABLE "indexed_block" (
    "chain_id" INTEGER NOT NULL,
    "number" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "parent_hash" TEXT NOT NULL,
    "timestamp" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "indexed_block_pkey" PRIMARY KEY ("chain_id","number")
);

-- CreateTable
CREATE TABLE "chain_event" (
    "chain_id" INTEGER NOT NULL,
    "block_number" BIGINT NOT NULL,
    "log_index" INTEGER NOT NULL,
    "block_hash" TEXT NOT NULL,
    "block_timestamp" TIMESTAMPTZ(3) NOT NULL,
    "tx_hash" TEXT NOT NULL,
    "tx_index" INTEGER NOT NULL,
    "contract" TEXT NOT NULL,
    "contract_name" TEXT NOT NULL,
    "event_name" TEXT NOT NULL,
    "args" JSONB NOT NULL,
    "subjects" TEXT[],

    CONSTRAINT "chain_event_pkey" PRIMARY KEY ("chain_id","block_number","log_index")
);

-- CreateTable
CREATE TABLE "account" (
    "address" TEXT NOT NULL,
    "block_from" BIGINT NOT NULL,
    "block_to" BIGINT,
    "balance" DECIMAL(78,0) NOT NULL,
    "total_earned" DECIMAL(78,0) NOT NULL,
    "total_redeemed" DECIMAL(78,0) NOT NULL,
    "transfer_count" INTEGER NOT NULL,
    "first_seen_block" BIGINT NOT NULL,

    CONSTRAINT "account_pkey" PRIMARY KEY ("address","block_from")
);

-- CreateTable
CREATE TABLE "token_supply" (
    "token" TEXT NOT NULL,
    "block_from" BIGINT NOT NULL,
    "block_to" BIGINT,
    "total_supply" DECIMAL(78,0) NOT NULL,
    "total_minted" DECIMAL(78,0) NOT NULL,
    "total_burned" DECIMAL(78,0) NOT NULL,
    "holders" INTEGER NOT NULL,

    CONSTRAINT "token_supply_pkey" PRIMARY KEY ("token","block_from")
);

-- CreateTable
CREATE TABLE "kyc_attestation" (
    "account" TEXT NOT NULL,
    "block_from" BIGINT NOT NULL,
    "block_to" BIGINT,
    "level" INTEGER NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "evidence_hash" TEXT NOT NULL,
    "officer" TEXT NOT NULL,
    "revoked" BOOLEAN NOT NULL,
    "attested_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "kyc_attestation_pkey" PRIMARY KEY ("account","block_from")
);

-- CreateTable
CREATE TABLE "franchise" (
    "restaurant_id" DECIMAL(78,0) NOT NULL,
    "block_from" BIGINT NOT NULL,
    "block_to" BIGINT,
    "owner" TEXT NOT NULL,
    "fee_bps" INTEGER NOT NULL,
    "metadata_uri" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL,
    "registered_block" BIGINT NOT NULL,
    "registered_at" TIMESTAMPTZ(3) NOT NULL,
    "order_count" INTEGER NOT NULL,
    "revenue" DECIMAL(78,0) NOT NULL,
    "franchisee_amount" DECIMAL(78,0) NOT NULL,
    "platform_fees" DECIMAL(78,0) NOT NULL,

    CONSTRAINT "franchise_pkey" PRIMARY KEY ("restaurant_id","block_from")
);

-- CreateTable
CREATE TABLE "order" (
    "order_id" TEXT NOT NULL,
    "block_from" BIGINT NOT NULL,
    "block_to" BIGINT,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "restaurant_id" DECIMAL(78,0) NOT NULL,
    "customer" TEXT NOT NULL,
    "token" TEXT,
    "price" DECIMAL(78,0) NOT NULL,
    "discount" DECIMAL(78,0) NOT NULL,
    "points_redeemed" DECIMAL(78,0) NOT NULL,
    "paid" DECIMAL(78,0) NOT NULL,
    "refunded_amount" DECIMAL(78,0) NOT NULL,
    "franchisee_amount" DECIMAL(78,0),
    "platform_fee" DECIMAL(78,0),
    "reward" DECIMAL(78,0) NOT NULL,
    "points_clawed_back" DECIMAL(78,0) NOT NULL,
    "reclaim_after" TIMESTAMPTZ(3),
    "payment_ref" TEXT,
    "receipt_digest" TEXT,
    "receipt_cid" TEXT,
    "placed_block" BIGINT NOT NULL,
    "placed_at" TIMESTAMPTZ(3) NOT NULL,
    "placed_tx" TEXT NOT NULL,
    "closed_block" BIGINT,
    "closed_at" TIMESTAMPTZ(3),
    "closed_tx" TEXT,

    CONSTRAINT "order_pkey" PRIMARY KEY ("order_id","block_from")
);

-- CreateTable
CREATE TABLE "platform_parameter" (
    "key" TEXT NOT NULL,
    "block_from" BIGINT NOT NULL,
    "block_to" BIGINT,
    "value" JSONB NOT NULL,

    CONSTRAINT "platform_parameter_pkey" PRIMARY KEY ("key","block_from")
);

-- CreateTable
CREATE TABLE "transfer" (
    "block_number" BIGINT NOT NULL,
    "log_index" INTEGER NOT NULL,
    "block_timestamp" TIMESTAMPTZ(3) NOT NULL,
    "tx_hash" TEXT NOT NULL,
    "from" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "value" DECIMAL(78,0) NOT NULL,

    CONSTRAINT "transfer_pkey" PRIMARY KEY ("block_number","log_index")
);

-- CreateTable
CREATE TABLE "reward" (
    "block_number" BIGINT NOT NULL,
    "log_index" INTEGER NOT NULL,
    "block_timestamp" TIMESTAMPTZ(3) NOT NULL,
    "tx_hash" TEXT NOT NULL,
    "account" TEXT NOT NULL,
    "order_id" TEXT,
    "amount" DECIMAL(78,0) NOT NULL,

    CONSTRAINT "reward_pkey" PRIMARY KEY ("block_number","log_index")
);

-- CreateTable
CREATE TABLE "redemption" (
    "block_number" BIGINT NOT NULL,
    "log_index" INTEGER NOT NULL,
    "block_timestamp" TIMESTAMPTZ(3) NOT NULL,
    "tx_hash" TEXT NOT NULL,
    "account" TEXT NOT NULL,
    "amount" DECIMAL(78,0) NOT NULL,
    "redeemer" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "order_id" TEXT,

    CONSTRAINT "redemption_pkey" PRIMARY KEY ("block_number","log_index")
);

-- CreateTable
CREATE TABLE "card_refund" (
    "block_number" BIGINT NOT NULL,
    "log_index" INTEGER NOT NULL,
    "block_timestamp" TIMESTAMPTZ(3) NOT NULL,
    "tx_hash" TEXT NOT NULL,
    "order_id" TEXT NOT NULL,
    "refund_ref" TEXT NOT NULL,
    "amount" DECIMAL(78,0) NOT NULL,
    "remaining_amount" DECIMAL(78,0) NOT NULL,
    "points_clawed_back" DECIMAL(78,0) NOT NULL,
    "points_shortfall" DECIMAL(78,0) NOT NULL,

    CONSTRAINT "card_refund_pkey" PRIMARY KEY ("block_number","log_index")
);

-- CreateIndex
CREATE INDEX "chain_event_tx_hash_idx" ON "chain_event"("tx_hash");

-- CreateIndex
CREATE INDEX "chain_event_contract_name_event_name_idx" ON "chain_event"("contract_name", "event_name");

-- CreateIndex
CREATE INDEX "chain_event_subjects_idx" ON "chain_event" USING GIN ("subjects");

-- CreateIndex
CREATE INDEX "account_address_block_to_idx" ON "account"("address", "block_to");

-- CreateIndex
CREATE INDEX "account_block_to_idx" ON "account"("block_to");

-- CreateIndex
CREATE INDEX "account_block_from_idx" ON "account"("block_from");

-- CreateIndex
CREATE INDEX "token_supply_token_block_to_idx" ON "token_supply"("token", "block_to");

-- CreateIndex
CREATE INDEX "token_supply_block_to_idx" ON "token_supply"("block_to");

-- CreateIndex
CREATE INDEX "token_supply_block_from_idx" ON "token_supply"("block_from");

-- CreateIndex
CREATE INDEX "kyc_attestation_account_block_to_idx" ON "kyc_attestation"("account", "block_to");

-- CreateIndex
CREATE INDEX "kyc_attestation_block_to_idx" ON "kyc_attestation"("block_to");

-- CreateIndex
CREATE INDEX "kyc_attestation_block_from_idx" ON "kyc_attestation"("block_from");

-- CreateIndex
CREATE INDEX "franchise_restaurant_id_block_to_idx" ON "franchise"("restaurant_id", "block_to");

-- CreateIndex
CREATE INDEX "franchise_owner_block_to_idx" ON "franchise"("owner", "block_to");

-- CreateIndex
CREATE INDEX "franchise_block_to_idx" ON "franchise"("block_to");

-- CreateIndex
CREATE INDEX "franchise_block_from_idx" ON "franchise"("block_from");

-- CreateIndex
CREATE INDEX "order_order_id_block_to_idx" ON "order"("order_id", "block_to");

-- CreateIndex
CREATE INDEX "order_customer_block_to_idx" ON "order"("customer", "block_to");

-- CreateIndex
CREATE INDEX "order_restaurant_id_block_to_idx" ON "order"("restaurant_id", "block_to");

-- CreateIndex
CREATE INDEX "order_status_block_to_idx" ON "order"("status", "block_to");

-- CreateIndex
CREATE INDEX "order_block_to_idx" ON "order"("block_to");

-- CreateIndex
CREATE INDEX "order_block_from_idx" ON "order"("block_from");

-- CreateIndex
CREATE INDEX "platform_parameter_key_block_to_idx" ON "platform_parameter"("key", "block_to");

-- CreateIndex
CREATE INDEX "platform_parameter_block_to_idx" ON "platform_parameter"("block_to");

-- CreateIndex
CREATE INDEX "platform_parameter_block_from_idx" ON "platform_parameter"("block_from");

-- CreateIndex
CREATE INDEX "transfer_from_block_number_idx" ON "transfer"("from", "block_number");

-- CreateIndex
CREATE INDEX "transfer_to_block_number_idx" ON "transfer"("to", "block_number");

-- CreateIndex
CREATE INDEX "reward_account_block_number_idx" ON "reward"("account", "block_number");

-- CreateIndex
CREATE INDEX "reward_order_id_idx" ON "reward"("order_id");

-- CreateIndex
CREATE INDEX "redemption_account_block_number_idx" ON "redemption"("account", "block_number");

-- CreateIndex
CREATE INDEX "redemption_order_id_idx" ON "redemption"("order_id");

-- CreateIndex
CREATE INDEX "card_refund_order_id_idx" ON "card_refund"("order_id");
