// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {TestBase} from "forge-std/Base.sol";
import {StdAssertions} from "forge-std/StdAssertions.sol";
import {StdChains} from "forge-std/StdChains.sol";
import {StdCheats} from "forge-std/StdCheats.sol";
import {StdInvariant} from "forge-std/StdInvariant.sol";
import {StdUtils} from "forge-std/StdUtils.sol";

/// @notice forge-std's `Test`, assembled from the same modules in the same order, minus the
/// imports nothing here uses (safeconsole, StdJson, StdToml, StdStyle, StdMath, StdConstants).
/// @dev Why: Hardhat compiles every changed root of the suite in ONE solc job, and with the
/// project's solc-js (wasm) compiler a standard-JSON input above ~1.35 MB crashes solc with
/// "memory access out of bounds" (HHE908) before it even parses. `--coverage` instruments
/// contracts/ and pushed a cold build of this suite over that limit; forge-std's Test.sol alone
/// pulls in safeconsole.sol (427 kB). Importing only the modules keeps the input well below it.
abstract contract Test is TestBase, StdAssertions, StdChains, StdCheats, StdInvariant, StdUtils {
    // Note: IS_TEST() must return true.
    bool public IS_TEST = true;
}
