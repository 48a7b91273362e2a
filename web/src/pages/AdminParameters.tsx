import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { parameterFields, parameterLabel } from "../admin/parameters.ts";
import { query } from "../api/graphql.ts";
import { Empty, ErrorState, Loading } from "../components/states.tsx";
import type { PlatformParametersQuery } from "../generated/gql/graphql.ts";
import { graphql } from "../generated/gql/index.ts";
import { AdminPage } from "./admin.tsx";

const PlatformParameters = graphql(`
  query PlatformParameters {
    _meta {
      blockNumber
      blockTimestamp
    }
    platformParameters(first: 100, orderBy: key) {
      nodes {
        key
        value
        updatedBlock
      }
    }
  }
`);

/** The platform's settings as the chain announced them (the mirror's `platformParameters`), and the block they reflect. */
export function AdminParameters(): ReactNode {
  const { t } = useTranslation("admin");
  return (
    <AdminPage title={t("parameters.title")}>
      <Parameters />
    </AdminPage>
  );
}

function Parameters(): ReactNode {
  const { t } = useTranslation("admin");
  const parameters = useQuery({
    queryKey: ["platform-parameters"],
    queryFn: () => query(PlatformParameters, {}),
  });
  if (parameters.isPending) return <Loading />;
  if (parameters.isError) return <ErrorState error={parameters.error} retry={() => void parameters.refetch()} />;
  return (
    <>
      <p className="muted">{t("parameters.intro")}</p>
      <ParameterList data={parameters.data} />
      <button
        type="button"
        className="secondary"
        data-testid="parameters-refresh"
        disabled={parameters.isFetching}
        onClick={() => void parameters.refetch()}
      >
        {t("parameters.refresh")}
      </button>
    </>
  );
}

/** The parameters of one answer of the mirror, with the block that answer reflects. */
export function ParameterList({ data }: { data: PlatformParametersQuery }): ReactNode {
  const { t, i18n } = useTranslation("admin");
  const { _meta: meta, platformParameters } = data;
  const label = (key: string): string => {
    const known = parameterLabel(key);
    return known === undefined ? key : t(known.key, known);
  };
  return (
    <>
      <p data-testid="parameters-block">
        {meta.blockNumber === null
          ? t("parameters.notIndexed")
          : t("parameters.asOf", {
              block: meta.blockNumber,
              time: meta.blockTimestamp === null ? "—" : new Date(meta.blockTimestamp).toLocaleString(i18n.language),
            })}
      </p>
      {platformParameters.nodes.length === 0 ? (
        <Empty>{t("parameters.empty")}</Empty>
      ) : (
        <ul className="cards">
          {platformParameters.nodes.map((parameter) => {
            const fields = parameterFields(parameter.value);
            return (
              <li key={parameter.key} className="card" data-testid="parameter" data-key={parameter.key}>
                <h2 className="hash">{label(parameter.key)}</h2>
                <dl className="facts">
                  {typeof fields === "string" ? (
                    <div className="arg">
                      <dt>{t("parameters.value")}</dt>
                      <dd className="hash">{fields}</dd>
                    </div>
                  ) : (
                    fields.map(([name, value]) => (
                      <div key={name} className="arg">
                        <dt>{name}</dt>
                        <dd className="hash">{value}</dd>
                      </div>
                    ))
                  )}
                  <div className="arg">
                    <dt>{t("parameters.setAt")}</dt>
                    <dd data-testid="parameter-block">{parameter.updatedBlock}</dd>
                  </div>
                </dl>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
