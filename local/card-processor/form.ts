// Stripe's request bodies are `application/x-www-form-urlencoded` with bracketed keys
// (`metadata[order]=1`, `expand[0]=x`, `expand[]=x`); this turns them into nested values.

export type FormValue = string | FormObject | FormValue[];
export interface FormObject {
  [key: string]: FormValue;
}

export function parseStripeForm(body: string): FormObject {
  const root: FormObject = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(rawKey);
    if (!match?.[1]) throw new Error(`Invalid parameter name: ${rawKey}`);
    const path = [match[1], ...[...(match[2] ?? "").matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] ?? "")];
    assign(root, path, value);
  }
  return root;
}

function assign(container: FormObject | FormValue[], path: string[], value: string): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (Array.isArray(container)) {
    const index = head === "" ? container.length : Number(head);
    if (!Number.isInteger(index) || index < 0) throw new Error(`Invalid array index: ${head}`);
    if (rest.length === 0) {
      container[index] = value;
      return;
    }
    container[index] ??= childFor(rest[0] ?? "");
    const child = container[index];
    if (typeof child === "string") throw new Error("Conflicting parameter shapes");
    assign(child, rest, value);
    return;
  }
  if (rest.length === 0) {
    container[head] = value;
    return;
  }
  container[head] ??= childFor(rest[0] ?? "");
  const child = container[head];
  if (typeof child === "string") throw new Error(`Conflicting parameter shapes for ${head}`);
  assign(child, rest, value);
}

function childFor(nextKey: string): FormObject | FormValue[] {
  return nextKey === "" || /^\d+$/.test(nextKey) ? [] : {};
}
