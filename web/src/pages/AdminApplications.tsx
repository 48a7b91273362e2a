import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode, type SyntheticEvent } from "react";
import { useTranslation } from "react-i18next";

import { parseFeePercent } from "../admin/fee.ts";
import { api, call, formProblem, type Schemas } from "../api/rest.ts";
import { Empty, ErrorState, Field, FormError, Loading } from "../components/states.tsx";
import { AdminPage } from "./admin.tsx";

type Application = Schemas["RestaurantApplication"];
const FILTERS = ["pending", "approved", "rejected", "all"] as const;
type Filter = (typeof FILTERS)[number];
const PAGE = 50;
/** The platform fee offered until the admin types another: what POST /restaurants defaults to. */
const DEFAULT_FEE_PERCENT = "10";

/** Restaurant applications, those waiting first: approve one (with its platform fee) or reject it (saying why). */
export function AdminApplications(): ReactNode {
  const { t } = useTranslation("admin");
  return (
    <AdminPage title={t("applications.title")}>
      <Applications />
    </AdminPage>
  );
}

function Applications(): ReactNode {
  const { t } = useTranslation("admin");
  const [filter, setFilter] = useState<Filter>("pending");
  const [decision, setDecision] = useState("");
  const list = useInfiniteQuery({
    queryKey: ["restaurant-applications", "admin", filter],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET("/api/v1/restaurant-applications", {
          params: { query: { limit: PAGE, after: pageParam, ...(filter === "all" ? {} : { status: filter }) } },
        }),
      ),
    getNextPageParam: (last) => last.next_after ?? undefined,
    // An approved restaurant is followed until its franchise NFT is on chain.
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) =>
        page.applications.some((application) => application.restaurant_status === "registering"),
      ) === true
        ? 2_000
        : false,
  });
  const applications = list.data?.pages.flatMap((page) => page.applications);
  return (
    <>
      <label className="field inline">
        {t("applications.show")}
        <select
          value={filter}
          onChange={(event) => {
            setFilter(event.target.value as Filter);
          }}
          data-testid="application-filter"
        >
          {FILTERS.map((value) => (
            <option key={value} value={value}>
              {t(`applications.filters.${value}`)}
            </option>
          ))}
        </select>
      </label>
      <p role="status" data-testid="decision-status">
        {decision}
      </p>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => void list.refetch()} />
      ) : applications === undefined || applications.length === 0 ? (
        <Empty>{t("applications.empty")}</Empty>
      ) : (
        <>
          <ul className="cards">
            {applications.map((application) => (
              <ApplicationCard key={application.id} application={application} onDecided={setDecision} />
            ))}
          </ul>
          {list.hasNextPage && (
            <button
              type="button"
              className="secondary"
              disabled={list.isFetchingNextPage}
              onClick={() => void list.fetchNextPage()}
            >
              {t("applications.more")}
            </button>
          )}
        </>
      )}
    </>
  );
}

export function ApplicationCard(props: { application: Application; onDecided: (message: string) => void }): ReactNode {
  const { application, onDecided } = props;
  const { t, i18n } = useTranslation("admin");
  const queries = useQueryClient();
  const [fee, setFee] = useState(DEFAULT_FEE_PERCENT);
  const [feeIssue, setFeeIssue] = useState<string>();
  const [reason, setReason] = useState("");
  const path = { params: { path: { id: application.id } } };
  const refresh = (): Promise<void> => queries.invalidateQueries({ queryKey: ["restaurant-applications"] });
  const approve = useMutation({
    mutationFn: (feeBps: number) =>
      call(api.POST("/api/v1/restaurant-applications/{id}/approve", { ...path, body: { fee_bps: feeBps } })),
    onSuccess: async (decided) => {
      onDecided(t("applications.approvedNotice", { name: decided.name, id: decided.restaurant_id }));
      await refresh();
    },
  });
  const reject = useMutation({
    mutationFn: () => call(api.POST("/api/v1/restaurant-applications/{id}/reject", { ...path, body: { reason } })),
    onSuccess: async (decided) => {
      onDecided(t("applications.rejectedNotice", { name: decided.name }));
      await refresh();
    },
  });
  const busy = approve.isPending || reject.isPending;
  const approval = formProblem(approve.error);
  const rejection = formProblem(reject.error);
  const id = application.id;
  return (
    <li className="card" data-testid="application" data-name={application.name}>
      <h2>{application.name}</h2>
      <dl className="facts">
        <dt>{t("applications.location")}</dt>
        <dd>{application.location}</dd>
        <dt>{t("applications.applicant")}</dt>
        <dd className="hash">{application.applicant_address}</dd>
        <dt>{t("applications.appliedAt")}</dt>
        <dd>{new Date(application.created_at).toLocaleString(i18n.language)}</dd>
        {application.note !== null && (
          <>
            <dt>{t("applications.note")}</dt>
            <dd>{application.note}</dd>
          </>
        )}
        <dt>{t("applications.kyc")}</dt>
        <dd data-testid="application-kyc">
          {application.applicant_kyc_verified ? t("applications.kycVerified") : t("applications.kycMissing")}
        </dd>
        <dt>{t("applications.status")}</dt>
        <dd data-testid="application-status">{t(`applications.statuses.${application.status}`)}</dd>
      </dl>
      {application.restaurant_id !== null && application.restaurant_status !== null && (
        <p data-testid="application-restaurant">
          {t("applications.restaurant", {
            id: application.restaurant_id,
            status: t(`applications.restaurantStatuses.${application.restaurant_status}`),
          })}
        </p>
      )}
      {application.rejection_reason !== null && (
        <p>{t("applications.rejectedBecause", { reason: application.rejection_reason })}</p>
      )}
      {application.status === "pending" && (
        <>
          <form
            noValidate
            onSubmit={(event: SyntheticEvent) => {
              event.preventDefault();
              const feeBps = parseFeePercent(fee);
              setFeeIssue(feeBps === undefined ? t("applications.feeInvalid") : undefined);
              if (feeBps !== undefined) approve.mutate(feeBps);
            }}
          >
            <Field id={`fee-${id}`} label={t("applications.fee")} error={feeIssue ?? approval.fields.fee_bps}>
              {(aria) => (
                <input
                  {...aria}
                  data-testid="application-fee"
                  inputMode="decimal"
                  value={fee}
                  onChange={(event) => {
                    setFee(event.target.value);
                  }}
                />
              )}
            </Field>
            <button type="submit" data-testid="approve" disabled={busy}>
              {t("applications.approve")}
            </button>
            <FormError error={approval.form} />
          </form>
          <form
            noValidate
            onSubmit={(event: SyntheticEvent) => {
              event.preventDefault();
              reject.mutate();
            }}
          >
            <Field id={`reason-${id}`} label={t("applications.reason")} error={rejection.fields.reason}>
              {(aria) => (
                <textarea
                  {...aria}
                  data-testid="application-reason"
                  value={reason}
                  onChange={(event) => {
                    setReason(event.target.value);
                  }}
                />
              )}
            </Field>
            <button type="submit" className="secondary" data-testid="reject" disabled={busy}>
              {t("applications.reject")}
            </button>
            <FormError error={rejection.form} />
          </form>
        </>
      )}
    </li>
  );
}
