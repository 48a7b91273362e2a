import type { ArtifactMap } from "hardhat/types/artifacts";
import type { Address } from "viem";

import { readDeployment } from "../../lib/chain/deployment.ts";
import type { LocalDeployment } from "../devchain/deploy-local.ts";

/** The contracts of a local deployment, with ABIs typed by Hardhat's generated artifact types. */
export interface LocalContracts {
  readonly kycRegistry: { readonly address: Address; readonly abi: ArtifactMap["KycRegistry"]["abi"] };
  readonly hotPotToken: { readonly address: Address; readonly abi: ArtifactMap["HotPotToken"]["abi"] };
  readonly franchiseNFT: { readonly address: Address; readonly abi: ArtifactMap["FranchiseNFT"]["abi"] };
  readonly orderSettlement: { readonly address: Address; readonly abi: ArtifactMap["OrderSettlement"]["abi"] };
  readonly testGel: { readonly address: Address; readonly abi: ArtifactMap["TestGEL"]["abi"] };
}

const NAMES = ["KycRegistry", "HotPotToken", "FranchiseNFT", "OrderSettlement", "TestGEL"] as const;

/**
 * ABIs come from the deployment record's own artifacts (what was deployed, not what was compiled
 * since); their static types come from the build, which must match for the types to mean anything.
 */
export async function loadLocalContracts(deployment: LocalDeployment): Promise<LocalContracts> {
  const record = await readDeployment(deployment.directory, NAMES);
  const abiOf = <Name extends (typeof NAMES)[number]>(name: Name): ArtifactMap[Name]["abi"] => {
    const contract = record.contracts.find((candidate) => candidate.name === name);
    if (contract === undefined) throw new Error(`${deployment.directory} does not deploy ${name}`);
    return contract.abi as unknown as ArtifactMap[Name]["abi"];
  };
  return {
    kycRegistry: { address: deployment.kycRegistry, abi: abiOf("KycRegistry") },
    hotPotToken: { address: deployment.hotPotToken, abi: abiOf("HotPotToken") },
    franchiseNFT: { address: deployment.franchiseNFT, abi: abiOf("FranchiseNFT") },
    orderSettlement: { address: deployment.orderSettlement, abi: abiOf("OrderSettlement") },
    testGel: { address: deployment.testGel, abi: abiOf("TestGEL") },
  };
}
