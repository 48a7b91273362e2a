/**
 * Wallet-side example (ethers v6 + TypeChain bindings): how a customer's wallet pays a token
 * order in one transaction. The app gives the wallet the order description and the platform's
 * quote (a settler's signature over it); the wallet signs an EIP-2612 permit for exactly the
 * amount due and submits `placeOrderWithPermit`.
 * test/ethers-wallet.ts runs this code against a real chain.
 */
import { Signature, type Signer, type TransactionReceipt } from "ethers";

import { PERMIT_TYPES } from "../lib/typed-data.ts";
import type { IOrderSettlement } from "../types/ethers-contracts/OrderSettlement.ts";
import { OrderSettlement__factory, TestGEL__factory } from "../types/ethers-contracts/index.ts";

export interface PaymentContracts {
  readonly orderSettlement: string;
  /** The stable token the order is priced in (any EIP-2612 token allowed by the settlement). */
  readonly token: string;
}

/** Signs a permit for `price - discount` and places the quoted order; resolves with the mined receipt. */
export async function payWithPermit(
  customer: Signer,
  contracts: PaymentContracts,
  order: IOrderSettlement.TokenOrderStruct & { price: bigint; discount: bigint; reclaimAfter: bigint },
  quote: string,
): Promise<TransactionReceipt> {
  const owner = await customer.getAddress();
  const token = TestGEL__factory.connect(contracts.token, customer);
  const settlement = OrderSettlement__factory.connect(contracts.orderSettlement, customer);
  const provider = customer.provider;
  if (provider === null) throw new Error("the customer's signer needs a provider");

  const value = order.price - order.discount;
  // The permit lives exactly as long as the order can stay unclaimed.
  const deadline = order.reclaimAfter;
  const [nonce, name, { chainId }] = await Promise.all([token.nonces(owner), token.name(), provider.getNetwork()]);
  const signature = Signature.from(
    await customer.signTypedData(
      { name, version: "1", chainId, verifyingContract: contracts.token },
      // ethers wants mutable arrays; the constant is shared with viem callers that want readonly.
      { Permit: [...PERMIT_TYPES.Permit] },
      { owner, spender: contracts.orderSettlement, value, nonce, deadline },
    ),
  );

  const tx = await settlement.placeOrderWithPermit(order, quote, deadline, signature.v, signature.r, signature.s);
  const receipt = await tx.wait();
  if (receipt === null || receipt.status !== 1) throw new Error(`order payment ${tx.hash} failed`);
  return receipt;
}
