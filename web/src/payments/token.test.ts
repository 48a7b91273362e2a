import { decodeFunctionData, parseAbi, recoverTypedDataAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";

import { permitTypedData, placeOrderTransaction, type TokenPayment } from "./token.ts";

// Hardhat's account #5: a throwaway test key, never funded anywhere real.
const customer = privateKeyToAccount("0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba");
const SETTLEMENT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const TOKEN = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";

const payment: TokenPayment = {
  method: "token",
  order: {
    orderId: `0x${"1f".repeat(32)}`,
    restaurantId: "3",
    customer: customer.address,
    token: TOKEN,
    price: "25000000",
    discount: "0",
    pointsRedeemed: "0",
    reclaimAfter: 1_900_000_000,
  },
  quote: `0x${"ab".repeat(65)}`,
  settlement_contract: SETTLEMENT,
  chain_id: 31337,
  permit: {
    domain: { name: "Test GEL", version: "1", chainId: 31337, verifyingContract: TOKEN },
    types: {},
    primaryType: "Permit",
    message: { owner: customer.address, spender: SETTLEMENT, value: "25000000", nonce: "0", deadline: "1900000000" },
  },
  quote_typed_data: { domain: {}, types: {}, primaryType: "TokenOrder" },
};

describe("token payment", () => {
  it("has the wallet sign the permit the API prepared", async () => {
    const typed = permitTypedData(payment);
    const signature = await customer.signTypedData(typed);
    expect(await recoverTypedDataAddress({ ...typed, signature })).toBe(customer.address);
    expect(typed.message.value).toBe(25_000_000n);
  });

  it("sends placeOrderWithPermit with the quoted order, the quote and the permit's v, r, s", async () => {
    const signature = await customer.signTypedData(permitTypedData(payment));
    const transaction = placeOrderTransaction(payment, signature);
    expect(transaction.to).toBe(SETTLEMENT);
    const { functionName, args } = decodeFunctionData({
      abi: parseAbi([
        "struct TokenOrder { bytes32 orderId; uint256 restaurantId; address customer; address token; uint96 price; uint96 discount; uint256 pointsRedeemed; uint48 reclaimAfter; }",
        "function placeOrderWithPermit(TokenOrder order, bytes quote, uint256 permitDeadline, uint8 v, bytes32 r, bytes32 s)",
      ]),
      data: transaction.data,
    });
    expect(functionName).toBe("placeOrderWithPermit");
    const [order, quote, deadline, v, r] = args;
    expect(order).toMatchObject({
      restaurantId: 3n,
      price: 25_000_000n,
      customer: customer.address,
      reclaimAfter: 1_900_000_000,
    });
    expect(quote).toBe(payment.quote);
    expect(deadline).toBe(1_900_000_000n);
    expect([27, 28]).toContain(v);
    expect(r).toBe(signature.slice(0, 66));
  });

  it("refuses a payment that lacks a field", async () => {
    const signature = await customer.signTypedData(permitTypedData(payment));
    const broken = { ...payment, order: { ...payment.order, price: undefined } } as unknown as TokenPayment;
    expect(() => placeOrderTransaction(broken, signature)).toThrow("the token payment lacks price");
  });
});
