/**
 * Who may do what, in the browser and on the server: a customer finds no franchise to manage, may
 * apply for a restaurant but cannot decide applications, and the admin and KYC officers' pages
 * refuse them (the server too); bad input on the application form is reported next to each field
 * it concerns and nothing is stored.
 */
import { expect, test, type APIResponse, type Page } from "@playwright/test";

import { expectAccessible } from "./accessibility.ts";
import { callApi, sessionOf, signInAsNewCustomer } from "./people.ts";

/** Signs a new customer without a wallet in (a custodial account); their session token and user id. */
async function signInAsCustomer(page: Page): Promise<{ token: string; userId: string }> {
  await signInAsNewCustomer(page);
  const { token, user } = await sessionOf(page);
  return { token, userId: user.id };
}

const ADMIN_PAGES = ["/admin/applications", "/admin/restaurants", "/admin/roles", "/admin/parameters"];

test("a customer cannot run a restaurant or open the admin pages, and the server refuses too", async ({
  page,
  request,
}) => {
  const customer = await signInAsCustomer(page);
  await expectAccessible(page, "/sign-in");
  await expect(page.getByRole("link", { name: "Admin" })).toHaveCount(0);

  await page.goto("/menu");
  await expect(page.getByText("You do not run a restaurant yet")).toBeVisible();
  await expect(page.getByTestId("add-item")).toHaveCount(0);
  await page.goto("/orders");
  await expect(page.getByTestId("new-order")).toHaveCount(0);

  for (const path of ADMIN_PAGES) {
    await page.goto(path);
    await expect(page.getByTestId("admin-only")).toHaveText("Only admins can open this page.");
    await expect(page.getByTestId("application")).toHaveCount(0);
    await expect(page.getByTestId("user")).toHaveCount(0);
    await expect(page.getByTestId("parameter")).toHaveCount(0);
  }
  await expectAccessible(page, "an admin page, refused");

  // Applying is anyone's; deciding, registering directly and managing roles are an admin's.
  await page.goto("/register");
  await page.fill('[data-testid="restaurant-name"]', "Not Mine");
  await page.fill('[data-testid="restaurant-location"]', "Batumi");
  await page.click('[data-testid="submit"]');
  await expect(page.getByTestId("application-status")).toContainText("waiting for an admin's decision");
  const auth = { authorization: `Bearer ${customer.token}` };
  const mine = (await (await request.get("/api/v1/restaurant-applications", { headers: auth })).json()) as {
    applications: { id: string; applicant_id: string }[];
  };
  expect(mine.applications.map((application) => application.applicant_id)).toEqual([customer.userId]);
  const id = mine.applications[0]?.id ?? "";
  const refusals: [string, Promise<APIResponse>][] = [
    ["approve", request.post(`/api/v1/restaurant-applications/${id}/approve`, { headers: auth, data: { fee_bps: 0 } })],
    ["reject", request.post(`/api/v1/restaurant-applications/${id}/reject`, { headers: auth, data: { reason: "x" } })],
    [
      "register",
      request.post("/api/v1/restaurants", {
        headers: auth,
        data: { name: "Not Mine", location: "Batumi", owner: "0x0000000000000000000000000000000000000001" },
      }),
    ],
    ["list users", request.get("/api/v1/users?role=any", { headers: auth })],
    [
      "grant roles",
      request.put(`/api/v1/users/${customer.userId}/roles`, { headers: auth, data: { roles: ["admin"] } }),
    ],
  ];
  for (const [what, reply] of refusals) expect((await reply).status(), what).toBe(403);
  const application = (await (
    await request.get(`/api/v1/restaurant-applications/${id}`, { headers: auth })
  ).json()) as { status: string };
  expect(application.status).toBe("pending");
});

test("a customer cannot review KYC cases, and the server refuses too", async ({ page }) => {
  await signInAsNewCustomer(page);
  await expect(page.getByRole("link", { name: "Identity check" })).toBeVisible();
  await expect(page.getByRole("link", { name: "KYC review" })).toHaveCount(0);

  await page.goto("/kyc/review");
  await expect(page.getByTestId("not-officer")).toHaveText("Only KYC officers review identity cases.");
  await expect(page.getByTestId("kyc-queue-row")).toHaveCount(0);
  await expectAccessible(page, "/kyc/review as a customer");
  const someCase = "3f1c1a52-1b7e-4c51-9a57-0c7f43b1e8a2";
  await page.goto(`/kyc/review/${someCase}`);
  await expect(page.getByTestId("not-officer")).toBeVisible();
  await expect(page.getByTestId("kyc-open-reason")).toHaveCount(0);

  const refusal = { code: "forbidden", error: "only KYC officers review identity cases" };
  const queue = await callApi(page, "GET", "/api/v1/kyc/cases");
  expect(queue.status).toBe(403);
  expect(queue.body).toMatchObject(refusal);
  const opening = await callApi(page, "POST", `/api/v1/kyc/cases/${someCase}/open`, { reason: "just curious" });
  expect(opening.status).toBe(403);
  expect(opening.body).toMatchObject(refusal);
  const deciding = await callApi(page, "POST", `/api/v1/kyc/cases/${someCase}/decision`, {
    approve: true,
    reason: "approving myself",
  });
  expect(deciding.status).toBe(403);
});

test("bad input on the application form is shown beside each field and nothing is stored", async ({
  page,
  request,
}) => {
  const customer = await signInAsCustomer(page);
  const stored = async (): Promise<number> =>
    (
      (await (
        await request.get("/api/v1/restaurant-applications", {
          headers: { authorization: `Bearer ${customer.token}` },
        })
      ).json()) as { applications: unknown[] }
    ).applications.length;

  await page.goto("/register");
  const note = "x".repeat(1001);
  await page.fill('[data-testid="restaurant-location"]', "   ");
  await page.fill('[data-testid="restaurant-note"]', note);
  await page.click('[data-testid="submit"]');
  const expected: Record<string, string> = {
    "restaurant-name": "enter the restaurant's name",
    "restaurant-location": "enter where the restaurant is",
    "restaurant-note": "at most 1000 characters",
  };
  for (const [field, message] of Object.entries(expected)) {
    await expect(page.getByTestId(`${field}-error`)).toHaveText(message);
    await expect(page.getByTestId(field)).toHaveAttribute("aria-invalid", "true");
  }
  await expect(page.getByTestId("restaurant-note")).toHaveValue(note);
  await expectAccessible(page, "/register with errors");
  expect(await stored()).toBe(0);
});
