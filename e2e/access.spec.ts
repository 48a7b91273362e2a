/**
 * Who may do what, in the browser and on the server: a customer finds no franchise to manage, may
 * apply for a restaurant but cannot decide applications, and the admin pages refuse them (the
 * server too); bad input on the application form is reported next to each field it concerns and
 * nothing is stored.
 */
import { expect, test, type APIResponse, type Page } from "@playwright/test";

import { expectAccessible } from "./accessibility.ts";

/** Signs a new customer without a wallet in (a custodial account); their session token and user id. */
async function signInAsCustomer(page: Page): Promise<{ token: string; userId: string }> {
  await page.goto("/sign-in");
  await page.click('[data-testid="sign-in-custodial"]');
  await expect(page.getByTestId("account-key")).toHaveText(/^hpc_/);
  const session = await page.evaluate(
    () => JSON.parse(localStorage.getItem("hotpot.session") ?? "null") as { token: string; user: { id: string } },
  );
  return { token: session.token, userId: session.user.id };
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
