// The admin's tasks (`npx hardhat ehr:<task> --network ...`). Loaded by hardhat.config.ts.
import "./deploy";
import "./providers";
import "./emergency";
import "./system";
import "./demo";
import "./custodian";
