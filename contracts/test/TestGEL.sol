// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title TestGEL
/// @notice A GEL-denominated stable token for local chains and tests only: 2 decimals, so one unit
/// is one tetri, the unit card payments use too.
/// @dev Warning: the owner mints at will. Never deploy outside local or test networks.
contract TestGEL is ERC20, ERC20Permit, Ownable {
    constructor(address owner) ERC20("Test Georgian Lari", "tGEL") ERC20Permit("Test Georgian Lari") Ownable(owner) {}

    /// @notice Mint `amount` tetri to `to`. Only the owner.
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }

    /// @inheritdoc ERC20
    function decimals() public pure override returns (uint8) {
        return 2;
    }
}
