/**
 * The local card form's checks and what it hands the API, in place of Stripe Elements: Elements
 * turns the card into a PaymentMethod id in the browser, and the server confirms the PaymentIntent
 * with that id. In local mode the card processor knows Stripe's test PaymentMethods, so the form
 * maps Stripe's documented test card numbers onto them; the number itself never leaves the page.
 */
export type CardIssue = "number" | "expiry" | "cvc" | "unknownTestCard";

export interface CardInput {
  readonly number: string;
  readonly expiry: string;
  readonly cvc: string;
}

const TEST_CARDS: Readonly<Record<string, string>> = {
  "4242424242424242": "pm_card_visa",
  "5555555555554444": "pm_card_mastercard",
  "378282246310005": "pm_card_amex",
  "4000000000000002": "pm_card_chargeDeclined",
  "4000000000009995": "pm_card_chargeDeclinedInsufficientFunds",
  "4000000000000069": "pm_card_chargeDeclinedExpiredCard",
};

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return digits.length >= 12 && sum % 10 === 0;
}

/** The issues of a card as typed, keyed by field; `now` decides whether the expiry has passed. */
export function checkCard(card: CardInput, now: Date): Partial<Record<keyof CardInput, CardIssue>> {
  const issues: Partial<Record<keyof CardInput, CardIssue>> = {};
  const digits = card.number.replace(/[\s-]/g, "");
  if (!/^\d{12,19}$/.test(digits) || !luhnValid(digits)) issues.number = "number";
  else if (TEST_CARDS[digits] === undefined) issues.number = "unknownTestCard";
  const expiry = /^(\d{2})\s*\/\s*(\d{2})$/.exec(card.expiry.trim());
  const month = Number(expiry?.[1]);
  const year = 2000 + Number(expiry?.[2]);
  const endOfMonth = new Date(Date.UTC(year, month, 1));
  if (expiry === null || month < 1 || month > 12 || endOfMonth.getTime() <= now.getTime()) issues.expiry = "expiry";
  if (!/^\d{3,4}$/.test(card.cvc.trim())) issues.cvc = "cvc";
  return issues;
}

/** The PaymentMethod the local processor confirms with (a card that passed checkCard). */
export function testPaymentMethod(number: string): string | undefined {
  return TEST_CARDS[number.replace(/[\s-]/g, "")];
}
