-- The relayer re-checks transactions it saw mined: a chain that lost blocks (a local chain
-- restored from an incomplete record, a reorganisation) no longer holds them. The block hash
-- tells whether the block a receipt came from is still part of the chain.
ALTER TABLE "relayer_tx" ADD COLUMN "block_hash" TEXT;

-- What a transaction is for: `outbox` (carries outbox rows) or `nonce_filler` (a zero-value
-- transfer to itself that fills a nonce nothing else would, so later transactions can be mined).
ALTER TABLE "relayer_tx" ADD COLUMN "purpose" TEXT NOT NULL DEFAULT 'outbox';

-- The newest mined transactions of a sender, checked on every drain.
CREATE INDEX "relayer_tx_chain_id_sender_status_block_number_idx" ON "relayer_tx"("chain_id", "sender", "status", "block_number");
