import { afterAll, describe, expect, it } from "vitest";

import i18n from "./i18n.ts";

describe("i18n", () => {
  afterAll(async () => {
    await i18n.changeLanguage("en");
  });

  it("loads Georgian and Russian when chosen, and English is there from the start", async () => {
    expect(i18n.hasResourceBundle("en", "translation")).toBe(true);
    await i18n.changeLanguage("ka");
    expect(i18n.t("nav.restaurants")).toBe("რესტორნები");
    expect(document.documentElement.lang).toBe("ka");
    await i18n.changeLanguage("ru");
    expect(i18n.t("nav.restaurants")).toBe("Рестораны");
    expect(localStorage.getItem("hotpot.locale")).toBe("ru");
  });
});
