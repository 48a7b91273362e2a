/**
 * Who is who among a local chain's default accounts (Hardhat's test mnemonic). The deployment
 * modules take their default role holders from here; tests, benchmarks and `npm start` name
 * accounts by it too. On public networks every role is a module parameter instead.
 */
export const LOCAL_ACCOUNTS = {
  admin: 0,
  treasury: 1,
  settler: 2,
  franchiseAdmin: 3,
  kycOfficer: 4,
  /** Customers #5-#9 start with tGEL (LocalHotPotSpot). */
  firstCustomer: 5,
  lastCustomer: 9,
  /**
   * `npm run simulate` holds the settler, franchise-admin and KYC-officer roles with these
   * accounts (#16-#18; #10-#15 are its franchisees and buyer), granted by the admin when it
   * starts: the relayer of `npm start` signs with #2-#4, and two writers of one key clash on nonces.
   */
  simulatorSettler: 16,
  simulatorFranchiseAdmin: 17,
  simulatorKycOfficer: 18,
} as const;
