/**
 * How EhrCore keeps its storage (STYLE.md, "compose by what you use"): each module owns its state
 * behind internal functions, and the layout the deployed contracts have does not move.
 *
 * The ownership check reads the sources (no compiler): every state variable of contracts/core and
 * EhrCore.sol is private (or constant or immutable), and no internal function returns a storage
 * reference, which would let another module write the owner's fields. The layout check asks solc
 * for the storage layout of the compiled sources and compares it with the one below.
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import hre from "hardhat";

const CONTRACTS = path.join(__dirname, "..", "..", "contracts");

/** Our composed contract and its modules. */
function moduleSources(): Record<string, string> {
  const files = ["EhrCore.sol", ...readdirSync(path.join(CONTRACTS, "core")).map((f) => path.join("core", f))];
  return Object.fromEntries(files.map((f) => [f, readFileSync(path.join(CONTRACTS, f), "utf8")]));
}

/** The source without comments and string literals, which may hold braces and semicolons. */
function code(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, " ")
    .replace(/\/\/.*$/gm, " ")
    .replace(/"(?:[^"\\]|\\.)*"/g, '""');
}

/** The declarations directly inside a contract body: `;`-ended statements and `{`-opened headers. */
function memberDeclarations(source: string): { statements: string[]; headers: string[] } {
  const statements: string[] = [];
  const headers: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of code(source)) {
    if (char === "{") {
      if (depth === 1) headers.push(current.trim().replace(/\s+/g, " "));
      depth += 1;
      current = "";
    } else if (char === "}") {
      depth -= 1;
      current = "";
    } else if (char === ";" && depth === 1) {
      statements.push(current.trim().replace(/\s+/g, " "));
      current = "";
    } else if (depth === 1) {
      current += char;
    }
  }
  return { statements, headers };
}

/** Every way a module could reach another module's storage, as "file: declaration". */
function storageOwnershipViolations(sources: Record<string, string>): string[] {
  const violations: string[] = [];
  for (const [file, source] of Object.entries(sources)) {
    const { statements, headers } = memberDeclarations(source);
    for (const statement of statements) {
      if (/^(using|event|error|function)\b/.test(statement)) continue;
      // A state variable: only its own contract may read or write it.
      if (!/\b(private|constant|immutable)\b/.test(statement)) violations.push(`${file}: ${statement}`);
    }
    for (const header of headers) {
      if (!header.startsWith("function ")) continue;
      const returns = /\breturns\s*\((.*)\)/.exec(header)?.[1] ?? "";
      // A storage reference handed to another module lets it write the owner's fields.
      if (/\b(internal|public)\b/.test(header) && /\bstorage\b/.test(returns)) violations.push(`${file}: ${header}`);
    }
  }
  return violations;
}

/**
 * EhrCore's storage layout ("slot+offset name type"), as deployed before the modules were composed
 * as siblings. A change here is a change of every deployed contract's storage: deliberate or a bug.
 */
const EHR_CORE_LAYOUT = [
  "0+0 _roles t_mapping(t_bytes32,t_struct(RoleData))",
  "1+0 _pendingDefaultAdmin t_address",
  "1+20 _pendingDefaultAdminSchedule t_uint48",
  "1+26 _currentDelay t_uint48",
  "2+0 _currentDefaultAdmin t_address",
  "2+20 _pendingDelay t_uint48",
  "2+26 _pendingDelaySchedule t_uint48",
  "3+0 _accounts t_mapping(t_address,t_struct(Account))",
  "4+0 _keyX t_mapping(t_address,t_bytes32)",
  "5+0 _system t_struct(SystemState)",
  "6+0 _profiles t_mapping(t_address,t_struct(DoctorProfile))",
  "7+0 _doctorList t_array(t_address)dyn_storage",
  "8+0 _hospitals t_array(t_struct(Hospital))dyn_storage",
  "9+0 _grants t_mapping(t_address,t_mapping(t_address,t_struct(Grant)))",
  "10+0 _requests t_mapping(t_address,t_mapping(t_address,t_struct(AccessRequest)))",
  "11+0 _records t_mapping(t_address,t_mapping(t_uint256,t_struct(Record)))",
  "12+0 _windows t_mapping(t_address,t_mapping(t_address,t_struct(EmergencyWindow)))",
  "13+0 _reviewed t_mapping(t_uint256,t_uint256)",
  "14+0 _dailyOpenings t_mapping(t_address,t_struct(DailyOpenings))",
];

/** The packed structs' members ("name: member@slot+offset ..."), which the slots above hold. */
const EHR_CORE_PACKED = [
  "Account: status@0+0 keyPrefix@0+1 emergencyOptOut@0+2 keyVersion@0+3 keyBlock@0+7 since@0+12 recordCount@0+17 hospitalId@0+21 specialty@0+25 emergencyOptOutAt@0+27",
  "SystemState: paused@0+0 emergencyCount@0+1 appointmentBook@0+5 emergencyDailyLimit@0+25 emergencyCooldown@0+27",
];

interface StorageLayout {
  storage: { label: string; slot: string; offset: number; type: string }[];
  types: Record<string, { label: string; members?: { label: string; slot: string; offset: number }[] }>;
}

/** solc's storage layout of EhrCore, compiled from the sources of its latest build. */
async function ehrCoreLayout(): Promise<StorageLayout> {
  const buildInfo = await hre.artifacts.getBuildInfo("contracts/EhrCore.sol:EhrCore");
  if (!buildInfo) throw new Error("EhrCore is not compiled; run `npx hardhat compile`.");
  const input = {
    ...buildInfo.input,
    // The layout does not depend on code generation, so skip it: this takes about a second.
    settings: {
      ...buildInfo.input.settings,
      optimizer: { enabled: false },
      viaIR: false,
      outputSelection: { "contracts/EhrCore.sol": { EhrCore: ["storageLayout"] } },
    },
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as { compile(input: string): string };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<string, Record<string, { storageLayout: StorageLayout }>>;
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  return output.contracts["contracts/EhrCore.sol"].EhrCore.storageLayout;
}

/** A type id without the AST ids and contract names solc puts in struct ids. */
function shortType(type: string): string {
  return type.replace(/t_struct\(([A-Za-z]+)\)\d+_storage/g, "t_struct($1)");
}

describe("EhrCore storage", () => {
  describe("module ownership", () => {
    it("keeps every module's state private, with no storage reference handed to another module", () => {
      expect(storageOwnershipViolations(moduleSources())).to.deep.equal([]);
    });

    it("catches a shared state variable and an accessor that hands out a storage reference", () => {
      const leaky = [
        "contract Leaky {",
        "    uint256 public constant LIMIT = 1; // fine",
        "    mapping(address => uint256) internal _balances;",
        "    struct Slot { uint256 value; }",
        "    function _slot(address a) internal view returns (Slot storage s) { assembly { s.slot := a } }",
        '    function _name() private pure returns (string memory) { return "{;"; }',
        "}",
      ].join("\n");
      expect(storageOwnershipViolations({ "Leaky.sol": leaky })).to.deep.equal([
        "Leaky.sol: mapping(address => uint256) internal _balances",
        "Leaky.sol: function _slot(address a) internal view returns (Slot storage s)",
      ]);
    });
  });

  describe("layout", () => {
    it("is the deployed one: same slots, same offsets, same packed members", async function () {
      this.timeout(120_000);
      const layout = await ehrCoreLayout();
      expect(layout.storage.map((s) => `${s.slot}+${s.offset} ${s.label} ${shortType(s.type)}`)).to.deep.equal(
        EHR_CORE_LAYOUT,
      );
      const packed = ["Account", "SystemState"].map((name) => {
        const type = Object.values(layout.types).find((t) => t.label.endsWith(`.${name}`));
        const members = (type?.members ?? []).map((m) => `${m.label}@${m.slot}+${m.offset}`);
        return `${name}: ${members.join(" ")}`;
      });
      expect(packed).to.deep.equal(EHR_CORE_PACKED);
    });
  });
});
