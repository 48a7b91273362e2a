/**
 * The cart: lines of one restaurant's menu, kept in localStorage so a reload or a failed checkout
 * loses nothing. Adding an item from another restaurant starts a new cart (an order is per restaurant).
 */
import { createContext, use, useCallback, useMemo, useState, type ReactNode } from "react";

export interface CartLine {
  readonly itemId: string;
  readonly name: string;
  readonly priceTetri: number;
  readonly quantity: number;
}

export interface Cart {
  readonly restaurantId: string | undefined;
  readonly lines: readonly CartLine[];
}

const STORAGE_KEY = "hotpot.cart";
const EMPTY: Cart = { restaurantId: undefined, lines: [] };
/** The API's bound on one line's quantity. */
export const MAX_QUANTITY = 99;

/** The cart after adding `delta` of an item (removed at 0, capped at MAX_QUANTITY). */
export function changeQuantity(
  cart: Cart,
  restaurantId: string,
  item: { itemId: string; name: string; priceTetri: number },
  delta: number,
): Cart {
  const base = cart.restaurantId === restaurantId ? cart : { restaurantId, lines: [] };
  const existing = base.lines.find((line) => line.itemId === item.itemId);
  const quantity = Math.min(MAX_QUANTITY, Math.max(0, (existing?.quantity ?? 0) + delta));
  const others = base.lines.filter((line) => line.itemId !== item.itemId);
  const lines =
    quantity === 0
      ? others
      : existing === undefined
        ? [...others, { ...item, quantity }]
        : base.lines.map((line) => (line.itemId === item.itemId ? { ...line, quantity } : line));
  return lines.length === 0 ? EMPTY : { restaurantId, lines };
}

export function cartTotalTetri(cart: Cart): number {
  return cart.lines.reduce((sum, line) => sum + line.priceTetri * line.quantity, 0);
}

interface CartContextValue {
  readonly cart: Cart;
  change: (restaurantId: string, item: { itemId: string; name: string; priceTetri: number }, delta: number) => void;
  clear: () => void;
}

const CartContext = createContext<CartContextValue | undefined>(undefined);

function restore(): Cart {
  try {
    const text = localStorage.getItem(STORAGE_KEY);
    return text == null ? EMPTY : (JSON.parse(text) as Cart);
  } catch {
    return EMPTY;
  }
}

export function CartProvider({ children }: { children: ReactNode }): ReactNode {
  const [cart, setCart] = useState<Cart>(restore);
  const save = useCallback((next: Cart) => {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    setCart(next);
  }, []);
  const value = useMemo<CartContextValue>(
    () => ({
      cart,
      change: (restaurantId, item, delta) => {
        save(changeQuantity(cart, restaurantId, item, delta));
      },
      clear: () => {
        save(EMPTY);
      },
    }),
    [cart, save],
  );
  return <CartContext value={value}>{children}</CartContext>;
}

export function useCart(): CartContextValue {
  const value = use(CartContext);
  if (value === undefined) throw new Error("useCart outside CartProvider");
  return value;
}
