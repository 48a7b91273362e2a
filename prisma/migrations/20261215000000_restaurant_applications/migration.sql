-- Restaurant applications (issue 12): a signed-in person asks to run a restaurant (name, location,
-- a note); an admin approves it, which registers the restaurant for them through the usual
-- registration (profile, metadata on IPFS, franchise NFT queued in the outbox) in the same
-- transaction as the decision, or rejects it with a reason.

-- CreateTable
CREATE TABLE "restaurant_application" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "applicant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "location" TEXT NOT NULL,
    "note" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "fee_bps" INTEGER,
    "restaurant_id" BIGINT,
    "decided_by" UUID,
    "rejection_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_at" TIMESTAMPTZ(3),

    CONSTRAINT "restaurant_application_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "restaurant_application_restaurant_id_key" ON "restaurant_application"("restaurant_id");

-- CreateIndex
CREATE INDEX "restaurant_application_applicant_id_created_at_idx" ON "restaurant_application"("applicant_id", "created_at");

-- CreateIndex
CREATE INDEX "restaurant_application_status_created_at_idx" ON "restaurant_application"("status", "created_at");

-- AddForeignKey
ALTER TABLE "restaurant_application" ADD CONSTRAINT "restaurant_application_applicant_id_fkey" FOREIGN KEY ("applicant_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "restaurant_application" ADD CONSTRAINT "restaurant_application_decided_by_fkey" FOREIGN KEY ("decided_by") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "restaurant_application" ADD CONSTRAINT "restaurant_application_restaurant_id_fkey" FOREIGN KEY ("restaurant_id") REFERENCES "restaurant"("id") ON DELETE SET NULL ON UPDATE CASCADE;
