/**
 * Georgian, English and Russian. The language is the one chosen in the picker (kept in
 * localStorage), else the browser's first supported one, else Georgian (the chain is in Georgia).
 */
import i18n from "i18next";
import { initReactI18next } from "react-i18next";

import type { adminEn } from "./locales/admin/en.ts";
import { en } from "./locales/en.ts";
import { ka } from "./locales/ka.ts";
import { ru } from "./locales/ru.ts";

export const LOCALES = ["ka", "en", "ru"] as const;
export type Locale = (typeof LOCALES)[number];
const STORAGE_KEY = "hotpot.locale";

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "translation";
    // "admin" is added by the admin pages' chunk when it loads (pages/admin.tsx).
    resources: { translation: typeof en; admin: typeof adminEn };
  }
}

function initialLocale(): Locale {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (LOCALES.includes(saved as Locale)) return saved as Locale;
  for (const language of navigator.languages) {
    const base = language.split("-")[0] as Locale;
    if (LOCALES.includes(base)) return base;
  }
  return "ka";
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, ka: { translation: ka }, ru: { translation: ru } },
  lng: initialLocale(),
  fallbackLng: "en",
  supportedLngs: [...LOCALES],
  interpolation: { escapeValue: false },
  returnNull: false,
});

i18n.on("languageChanged", (language) => {
  localStorage.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language;
});
document.documentElement.lang = i18n.language;

export default i18n;
