import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy, Suspense, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { createBrowserRouter, Link, RouterProvider } from "react-router";

import { SessionProvider } from "./auth/session.tsx";
import { CartProvider } from "./cart.tsx";
import { Layout } from "./components/Layout.tsx";
import { CartPage } from "./pages/Cart.tsx";
import { Loyalty } from "./pages/Loyalty.tsx";
import { MyOrders } from "./pages/MyOrders.tsx";
import { Order } from "./pages/Order.tsx";
import { Restaurant } from "./pages/Restaurant.tsx";
import { Restaurants } from "./pages/Restaurants.tsx";
import { SignIn } from "./pages/SignIn.tsx";
import { Loading } from "./components/states.tsx";

// The franchise, admin and auditor pages load on first use: customers never download them.
const Audit = lazy(async () => ({ default: (await import("./pages/Audit.tsx")).Audit }));
const Reconciliation = lazy(async () => ({
  default: (await import("./pages/Reconciliation.tsx")).Reconciliation,
}));
const AccessLog = lazy(async () => ({ default: (await import("./pages/AccessLog.tsx")).AccessLog }));
const AdminRestaurants = lazy(async () => ({
  default: (await import("./pages/AdminRestaurants.tsx")).AdminRestaurants,
}));
const AdminApplications = lazy(async () => ({
  default: (await import("./pages/AdminApplications.tsx")).AdminApplications,
}));
const AdminRoles = lazy(async () => ({ default: (await import("./pages/AdminRoles.tsx")).AdminRoles }));
const AdminParameters = lazy(async () => ({
  default: (await import("./pages/AdminParameters.tsx")).AdminParameters,
}));
const Menu = lazy(async () => ({ default: (await import("./pages/Menu.tsx")).Menu }));
const OrdersBoard = lazy(async () => ({ default: (await import("./pages/OrdersBoard.tsx")).OrdersBoard }));
const Register = lazy(async () => ({ default: (await import("./pages/Register.tsx")).Register }));
const Revenue = lazy(async () => ({ default: (await import("./pages/Revenue.tsx")).Revenue }));
const ApiKeys = lazy(async () => ({ default: (await import("./pages/ApiKeys.tsx")).ApiKeys }));
const StreamControl = lazy(async () => ({ default: (await import("./pages/StreamControl.tsx")).StreamControl }));
// KYC review is for officers; a customer's KYC and account pages are visited rarely, so they load on first use too.
const KycReview = lazy(async () => ({ default: (await import("./pages/KycReview.tsx")).KycReview }));
const KycCase = lazy(async () => ({ default: (await import("./pages/KycCase.tsx")).KycCase }));
const Kyc = lazy(async () => ({ default: (await import("./pages/Kyc.tsx")).Kyc }));
const Account = lazy(async () => ({ default: (await import("./pages/Account.tsx")).Account }));

const later = (page: ReactNode): ReactNode => <Suspense fallback={<Loading />}>{page}</Suspense>;

function NotFound(): ReactNode {
  const { t } = useTranslation();
  return (
    <section>
      <h1>{t("notFound.title")}</h1>
      <Link to="/">{t("notFound.home")}</Link>
    </section>
  );
}

const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { path: "/", element: <Restaurants /> },
      { path: "/restaurants/:id", element: <Restaurant /> },
      { path: "/cart", element: <CartPage /> },
      { path: "/order/:id", element: <Order /> },
      { path: "/my-orders", element: <MyOrders /> },
      { path: "/loyalty", element: <Loyalty /> },
      { path: "/sign-in", element: <SignIn /> },
      { path: "/register", element: later(<Register />) },
      { path: "/menu", element: later(<Menu />) },
      { path: "/orders", element: later(<OrdersBoard />) },
      { path: "/revenue", element: later(<Revenue />) },
      { path: "/api-keys", element: later(<ApiKeys />) },
      { path: "/stream", element: later(<StreamControl />) },
      { path: "/admin/restaurants", element: later(<AdminRestaurants />) },
      { path: "/admin/applications", element: later(<AdminApplications />) },
      { path: "/admin/roles", element: later(<AdminRoles />) },
      { path: "/admin/parameters", element: later(<AdminParameters />) },
      { path: "/audit", element: later(<Audit />) },
      { path: "/audit/reconciliation", element: later(<Reconciliation />) },
      { path: "/audit/access-log", element: later(<AccessLog />) },
      { path: "/kyc", element: later(<Kyc />) },
      { path: "/kyc/review", element: later(<KycReview />) },
      { path: "/kyc/review/:id", element: later(<KycCase />) },
      { path: "/account", element: later(<Account />) },
      { path: "*", element: <NotFound /> },
    ],
  },
]);

const queryClient = new QueryClient({
  defaultOptions: {
    // A 4xx will not change by asking again; a network failure or 5xx is retried once before the page offers a retry.
    queries: {
      retry: (count, error) =>
        count < 1 && !("status" in error && typeof error.status === "number" && error.status < 500),
    },
  },
});

export function App(): ReactNode {
  return (
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <CartProvider>
          <RouterProvider router={router} />
        </CartProvider>
      </SessionProvider>
    </QueryClientProvider>
  );
}
