/**
 * The mirror's platform parameters (indexer/handlers.ts names them: `treasury`,
 * `cardRewardPerUnit`, `requiredKycLevel`, `paused:<contract>`, `currency:<token>`), as the
 * parameters page labels and shows them.
 */

/** The admin namespace's label key for a parameter, and what it fills in; undefined for a key the page does not know. */
export type ParameterLabel =
  | {
      readonly key:
        "parameters.names.treasury" | "parameters.names.cardRewardPerUnit" | "parameters.names.requiredKycLevel";
    }
  | { readonly key: "parameters.names.paused"; readonly contract: string }
  | { readonly key: "parameters.names.currency"; readonly token: string };

export function parameterLabel(key: string): ParameterLabel | undefined {
  if (key === "treasury" || key === "cardRewardPerUnit" || key === "requiredKycLevel") {
    return { key: `parameters.names.${key}` };
  }
  const [kind, subject] = key.split(":", 2);
  if (subject === undefined || subject === "") return undefined;
  if (kind === "paused") return { key: "parameters.names.paused", contract: subject };
  if (kind === "currency") return { key: "parameters.names.currency", token: subject };
  return undefined;
}

/** A parameter's JSON value as name/text pairs (an object's fields), or one text for anything else. */
export function parameterFields(value: unknown): readonly (readonly [string, string])[] | string {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    return Object.entries(value).map(([name, field]) => [name, text(field)] as const);
  }
  return text(value);
}

const text = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value));
