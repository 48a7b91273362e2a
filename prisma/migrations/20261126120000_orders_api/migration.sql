-- The API's own tables: people and credentials, restaurants' off-chain profiles and menus, orders
-- as customers place them, card payments and webhooks, and the outbox the relayer drains onto the
-- chain. The indexer never writes these; the API never writes the indexer's.

-- CreateTable
CREATE TABLE "app_user" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "address" TEXT NOT NULL,
    "custodial" BOOLEAN NOT NULL,
    "custodial_index" INTEGER,
    "roles" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "account_key_hash" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "app_user_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "siwe_nonce" (
    "nonce" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "siwe_nonce_pkey" PRIMARY KEY ("nonce")
);

-- CreateTable
CREATE TABLE "api_key" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "secret_hash" TEXT NOT NULL,
    "restaurant_id" BIGINT NOT NULL,
    "label" TEXT NOT NULL,
    "created_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_key_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "restaurant" (
    "id" BIGINT NOT NULL,
    "name" TEXT NOT NULL,
    "location" TEXT NOT NULL,
    "metadata_cid" TEXT NOT NULL,
    "created_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "restaurant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "menu_item" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "restaurant_id" BIGINT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "price_tetri" BIGINT NOT NULL,
    "available" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "menu_item_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "menu_item_price_tetri_check" CHECK ("price_tetri" > 0)
);

-- CreateTable
CREATE TABLE "customer_order" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "chain_order_id" TEXT NOT NULL,
    "restaurant_id" BIGINT NOT NULL,
    "customer_id" UUID NOT NULL,
    "items" JSONB NOT NULL,
    "total_tetri" BIGINT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'placed',
    "payment_method" TEXT,
    "receipt_cid" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "paid_at" TIMESTAMPTZ(3),
    "fulfilled_at" TIMESTAMPTZ(3),

    CONSTRAINT "customer_order_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "customer_order_total_tetri_check" CHECK ("total_tetri" > 0)
);

-- CreateTable
CREATE TABLE "card_payment" (
    "payment_intent_id" TEXT NOT NULL,
    "order_id" UUID NOT NULL,
    "amount_tetri" BIGINT NOT NULL,
    "status" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "card_payment_pkey" PRIMARY KEY ("payment_intent_id")
);

-- CreateTable
CREATE TABLE "webhook_event" (
    "id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbox" (
    "id" BIGSERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "dedupe_key" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "not_before" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "tx_id" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "relayer_tx" (
    "id" BIGSERIAL NOT NULL,
    "chain_id" INTEGER NOT NULL,
    "sender" TEXT NOT NULL,
    "nonce" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "raw" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'signed',
    "block_number" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "relayer_tx_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "app_user_address_key" ON "app_user"("address");

-- CreateIndex
CREATE UNIQUE INDEX "app_user_custodial_index_key" ON "app_user"("custodial_index");

-- CreateIndex
CREATE INDEX "siwe_nonce_expires_at_idx" ON "siwe_nonce"("expires_at");

-- CreateIndex
CREATE INDEX "api_key_restaurant_id_idx" ON "api_key"("restaurant_id");

-- CreateIndex
CREATE INDEX "menu_item_restaurant_id_idx" ON "menu_item"("restaurant_id");

-- CreateIndex
CREATE UNIQUE INDEX "customer_order_chain_order_id_key" ON "customer_order"("chain_order_id");

-- CreateIndex
CREATE INDEX "customer_order_customer_id_created_at_idx" ON "customer_order"("customer_id", "created_at");

-- CreateIndex
CREATE INDEX "customer_order_restaurant_id_created_at_idx" ON "customer_order"("restaurant_id", "created_at");

-- CreateIndex
CREATE INDEX "card_payment_order_id_idx" ON "card_payment"("order_id");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_dedupe_key_key" ON "outbox"("dedupe_key");

-- CreateIndex
CREATE INDEX "outbox_status_not_before_idx" ON "outbox"("status", "not_before");

-- CreateIndex
CREATE INDEX "outbox_tx_id_idx" ON "outbox"("tx_id");

-- CreateIndex
CREATE UNIQUE INDEX "relayer_tx_hash_key" ON "relayer_tx"("hash");

-- CreateIndex
CREATE INDEX "relayer_tx_chain_id_sender_nonce_idx" ON "relayer_tx"("chain_id", "sender", "nonce");

-- CreateIndex
CREATE INDEX "relayer_tx_status_idx" ON "relayer_tx"("status");

-- AddForeignKey
ALTER TABLE "api_key" ADD CONSTRAINT "api_key_restaurant_id_fkey" FOREIGN KEY ("restaurant_id") REFERENCES "restaurant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_key" ADD CONSTRAINT "api_key_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "restaurant" ADD CONSTRAINT "restaurant_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "menu_item" ADD CONSTRAINT "menu_item_restaurant_id_fkey" FOREIGN KEY ("restaurant_id") REFERENCES "restaurant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "customer_order" ADD CONSTRAINT "customer_order_restaurant_id_fkey" FOREIGN KEY ("restaurant_id") REFERENCES "restaurant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "customer_order" ADD CONSTRAINT "customer_order_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "card_payment" ADD CONSTRAINT "card_payment_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "customer_order"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_tx_id_fkey" FOREIGN KEY ("tx_id") REFERENCES "relayer_tx"("id") ON DELETE SET NULL ON UPDATE CASCADE;
