/**
 * Georgian, English and Russian. The language is the one chosen in the picker (kept in
 * localStorage), else the browser's first supported one, else Georgian (the chain is in Georgia).
 *
 * English, the fallback, is bundled; Georgian and Russian are chunks of their own, loaded when
 * chosen (i18next loads a language before switching to it), so no visitor downloads the strings of
 * languages they do not read: every page's strings together are a large part of the initial JS.
 */
import i18n, { type BackendModule } from "i18next";
import { initReactI18next } from "react-i18next";

import type { adminEn } from "./locales/admin/en.ts";
import { en, type Dictionary } from "./locales/en.ts";

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

const DICTIONARIES: Record<Locale, () => Promise<Dictionary>> = {
  en: () => Promise.resolve(en),
  ka: async () => (await import("./locales/ka.ts")).ka,
  ru: async () => (await import("./locales/ru.ts")).ru,
};

const lazyLocales: BackendModule = {
  type: "backend",
  init: () => undefined,
  read(language, namespace, callback) {
    // Other namespaces ("admin") come with the chunks that use them, in every language.
    if (namespace !== "translation") {
      callback(null, {});
      return;
    }
    const load = LOCALES.includes(language as Locale) ? DICTIONARIES[language as Locale] : undefined;
    if (load === undefined) {
      callback(new Error(`no strings for ${language}`), false);
      return;
    }
    load().then(
      (strings) => {
        callback(null, strings);
      },
      (error: unknown) => {
        callback(error instanceof Error ? error : new Error(String(error)), false);
      },
    );
  },
};

function initialLocale(): Locale {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (LOCALES.includes(saved as Locale)) return saved as Locale;
  for (const language of navigator.languages) {
    const base = language.split("-")[0] as Locale;
    if (LOCALES.includes(base)) return base;
  }
  return "ka";
}

/** Resolves once the first language's strings are in: main.tsx renders after it. */
export const i18nReady: Promise<unknown> = i18n
  .use(lazyLocales)
  .use(initReactI18next)
  .init({
    resources: { en: { translation: en } },
    // English is bundled; the backend loads the others.
    partialBundledLanguages: true,
    lng: initialLocale(),
    fallbackLng: "en",
    supportedLngs: [...LOCALES],
    interpolation: { escapeValue: false },
    returnNull: false,
  });

// Registered before the first language is in, so it also marks up the page in that one.
i18n.on("languageChanged", (language) => {
  localStorage.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language;
});

export default i18n;
