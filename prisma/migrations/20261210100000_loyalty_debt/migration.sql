-- Loyalty debt (issue 11): points a customer owes after a card refund's clawback found its balance
-- short (spent, or parked as the discount of an open token order). OrderSettlement emits
-- LoyaltyDebtRecorded / LoyaltyDebtRepaid with the debt after each change; the indexer copies it.
-- Existing versions owed nothing: no debt event existed before this column.
ALTER TABLE "account" ADD COLUMN "points_debt" DECIMAL(78,0) NOT NULL DEFAULT 0;
