/** The personal details a KYC submission carries (stored only encrypted, see api/people). */
import * as z from "zod";

export const PersonalDetailsSchema = z
  .object({
    full_name: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .meta({ examples: ["Nino Beridze"] }),
    email: z
      .email()
      .max(254)
      .meta({ examples: ["nino@example.ge"] }),
    phone: z
      .string()
      .regex(/^\+?[0-9 ()-]{7,20}$/, "a phone number like +995 555 12 34 56")
      .meta({ examples: ["+995 555 12 34 56"] }),
    address: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .meta({ examples: ["Tbilisi, Chavchavadze Ave 37"] }),
    birth_date: z.iso.date("a date like 1990-04-21").meta({ examples: ["1990-04-21"] }),
    nationality: z
      .string()
      .regex(/^[A-Z]{2,3}$/, "an ISO 3166 country code like GE")
      .meta({ examples: ["GE"] }),
    document_number: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .meta({ examples: ["13AB45678"] }),
  })
  .meta({ id: "PersonalDetails" });

export type PersonalDetails = z.output<typeof PersonalDetailsSchema>;
