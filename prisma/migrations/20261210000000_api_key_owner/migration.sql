-- Which franchise owner issued an API key. A key works only while that address still owns the
-- restaurant's franchise NFT in the mirror: selling the franchise ends the seller's tills.
-- NULL: the key was issued before the NFT was minted; it belongs to the address it was minted to.
ALTER TABLE "api_key" ADD COLUMN "owner_address" TEXT;

-- Keys issued before this column existed: taken as issued by the current owner.
UPDATE "api_key" k SET "owner_address" = f."owner"
  FROM "franchise" f
 WHERE f."restaurant_id" = k."restaurant_id" AND f."block_to" IS NULL;
