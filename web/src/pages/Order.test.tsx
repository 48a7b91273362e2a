// No server answers here: every answer the page needs is put in the query cache first.
// @vitest-environment-options {"url": "http://127.0.0.1:9/"}
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { Schemas } from "../api/rest.ts";
import { SessionProvider } from "../auth/session.tsx";
import { Order } from "./Order.tsx";

const ORDER_ID = "3f1c1a52-1b7e-4c51-9a57-0c7f43b1e8a2";
const CLIENT_SECRET = "pi_3QhotpotTest_secret_0123456789";

const placed: Schemas["Order"] = {
  id: ORDER_ID,
  restaurant_id: "1",
  customer_id: "3f1c2a9e-5b7d-4c1e-9a0b-2d4e6f8a1b3c",
  items: [
    {
      id: "5b2e8c1d-7a4f-4e3b-9c6d-1f0a2b3c4d5e",
      name: "Hot Pot",
      unit_price: "25.00",
      unit_price_tetri: 2500,
      quantity: 2,
      line_total: "50.00",
    },
  ],
  total: "50.00",
  total_tetri: 5000,
  currency: "GEL",
  status: "placed",
  payment_method: null,
  created_at: "2026-12-01T09:00:00.000Z",
  paid_at: null,
  settled_at: null,
  fulfilled_at: null,
  refunded_tetri: 0,
  chain: { order_id: `0x${"5c".repeat(32)}`, status: null, tx_hash: null, reward: null, payment_ref: null },
  receipt_cid: null,
  receipt_url: null,
  pay_url: `/api/v1/orders/${ORDER_ID}/pay`,
};

/**
 * A stand-in for Stripe.js: the real one is a script that only js.stripe.com serves, and this
 * machine is offline. It has what Elements checks for and calls (elements(), create(), mount()),
 * draws a placeholder where Stripe's frame would be, and records confirmPayment's arguments.
 */
const stripeJs = vi.hoisted(() => {
  const confirmPayment = vi.fn(() => Promise.resolve({ paymentIntent: { status: "succeeded" } }));
  const elementsOptions: unknown[] = [];
  const element = {
    mount(node: HTMLElement) {
      const frame = document.createElement("div");
      frame.dataset.testid = "stand-in-payment-element";
      node.append(frame);
    },
    on: () => undefined,
    update: () => undefined,
    destroy: () => undefined,
  };
  const elements = { create: vi.fn(() => element), update: () => undefined, getElement: () => element };
  const stripe = {
    elements: (options: unknown) => {
      elementsOptions.push(options);
      return elements;
    },
    createToken: () => undefined,
    createPaymentMethod: () => undefined,
    confirmCardPayment: () => undefined,
    confirmPayment,
  };
  return { stripe, elements, elementsOptions, confirmPayment, loadStripe: vi.fn(() => Promise.resolve(stripe)) };
});
vi.mock("@stripe/stripe-js/pure", () => ({ loadStripe: stripeJs.loadStripe }));

/** jsdom has no EventSource; the page's live updates are not what these tests look at. */
class QuietEventSource {
  onmessage: unknown = null;
  addEventListener(): void {}
  close(): void {}
}

function renderOrder(card: Schemas["CardConfig"]): QueryClient {
  const queries = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  queries.setQueryData(["order", ORDER_ID], placed);
  queries.setQueryData(["config"], card);
  // What POST /orders/{id}/pay answers in Stripe mode: the PaymentIntent's client secret.
  queries.setQueryData(["card-intent", ORDER_ID], CLIENT_SECRET);
  render(
    <QueryClientProvider client={queries}>
      <SessionProvider>
        <MemoryRouter initialEntries={[`/order/${ORDER_ID}`]}>
          <Routes>
            <Route path="/order/:id" element={<Order />} />
          </Routes>
        </MemoryRouter>
      </SessionProvider>
    </QueryClientProvider>,
  );
  return queries;
}

describe("the order page's card payment", () => {
  beforeEach(() => {
    vi.stubGlobal("EventSource", QuietEventSource);
    localStorage.removeItem("hotpot.session");
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    stripeJs.loadStripe.mockClear();
    stripeJs.confirmPayment.mockClear();
    stripeJs.elementsOptions.length = 0;
  });

  it("uses the local card form when the server takes cards locally, and never loads Stripe.js", async () => {
    renderOrder({ provider: "local" });
    expect(await screen.findByLabelText("Card number")).toBeTruthy();
    expect(screen.getByLabelText("Expiry (MM/YY)")).toBeTruthy();
    expect(screen.queryByTestId("stripe-card-form")).toBeNull();
    expect(stripeJs.loadStripe).not.toHaveBeenCalled();
  });

  it("uses Stripe's Elements with the publishable key and confirms the order's PaymentIntent", async () => {
    renderOrder({ provider: "stripe", publishable_key: "pk_test_hotpot" });
    expect(await screen.findByTestId("stand-in-payment-element")).toBeTruthy();
    expect(screen.getByTestId("stripe-card-form")).toBeTruthy();
    // The local form is not there: the card is typed into Stripe's frame only.
    expect(screen.queryByLabelText("Card number")).toBeNull();
    expect(stripeJs.loadStripe).toHaveBeenCalledWith("pk_test_hotpot");
    expect(stripeJs.elementsOptions).toEqual([expect.objectContaining({ clientSecret: CLIENT_SECRET, locale: "en" })]);
    expect(stripeJs.elements.create).toHaveBeenCalledWith("payment", expect.anything());

    await userEvent.setup().click(screen.getByRole("button", { name: "Pay" }));
    expect(stripeJs.confirmPayment).toHaveBeenCalledTimes(1);
    expect(stripeJs.confirmPayment).toHaveBeenCalledWith({
      elements: stripeJs.elements,
      confirmParams: { return_url: `http://127.0.0.1:9/` },
      redirect: "if_required",
    });
  });

  it("shows Stripe's message when the payment is refused, and keeps the form", async () => {
    stripeJs.confirmPayment.mockResolvedValueOnce({
      error: { type: "card_error", message: "Your card was declined." },
    } as never);
    renderOrder({ provider: "stripe", publishable_key: "pk_test_hotpot" });
    await screen.findByTestId("stand-in-payment-element");
    await userEvent.setup().click(screen.getByRole("button", { name: "Pay" }));
    expect((await screen.findByTestId("form-error")).textContent).toBe("Your card was declined.");
    expect(screen.getByTestId("stand-in-payment-element")).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Pay" }).disabled).toBe(false);
  });
});
