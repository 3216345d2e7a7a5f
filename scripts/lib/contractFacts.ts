import { keccak256, toBytes } from "viem";

/** One Solidity enum, by its short name: its members in declaration order (member i is the value i). */
export interface EnumFact {
  name: string;
  /** Where it is declared, e.g. `IAppointmentBook.AppointmentStatus`. */
  canonicalName: string;
  members: string[];
}

/** One `public constant`, with its value worked out at compile time. */
export interface ConstantFact {
  /** The contract that declares it. */
  contract: string;
  name: string;
  /** The Solidity type, e.g. `uint40` or `bytes32`. */
  type: string;
  /** A decimal integer string for integers, 0x-hex for bytes32. */
  value: string;
}

/** One custom error either deployed contract can revert with. */
export interface ErrorFact {
  name: string;
  /** The deployed contracts whose ABI carries it. */
  contracts: string[];
  /** Its argument names, in order. */
  inputs: string[];
}

/** The parts of a solc AST node this reads. */
interface AstNode {
  nodeType?: string;
  name?: string;
  canonicalName?: string;
  constant?: boolean;
  visibility?: string;
  members?: AstNode[];
  value?: AstNode & { value?: string; kind?: string; subdenomination?: string | null };
  expression?: AstNode;
  arguments?: (AstNode & { value?: string })[];
  typeDescriptions?: { typeString?: string };
  [key: string]: unknown;
}

function walk(node: unknown, visit: (node: AstNode, contract?: string) => void, contract?: string): void {
  if (!node || typeof node !== "object") return;
  const n = node as AstNode;
  const inside = n.nodeType === "ContractDefinition" ? n.name : contract;
  visit(n, inside);
  for (const value of Object.values(n)) {
    if (Array.isArray(value)) for (const child of value) walk(child, visit, inside);
    else if (value && typeof value === "object") walk(value, visit, inside);
  }
}

/**
 * A constant's value from the compiler's own evaluation: solc types a constant integer expression
 * as `int_const <value>` (`30 minutes` is `int_const 1800`); `keccak256("ROLE")` is hashed here.
 * Anything else throws, so a new kind of constant is noticed at codegen rather than mirrored by hand.
 */
function constantValue(node: AstNode, contract: string): string {
  const typeString = node.value?.typeDescriptions?.typeString ?? "";
  const evaluated = /^int_const (-?\d+)$/.exec(typeString);
  if (evaluated) return evaluated[1];
  const value = node.value;
  if (
    value?.nodeType === "FunctionCall" &&
    value.expression?.name === "keccak256" &&
    value.arguments?.length === 1 &&
    value.arguments[0].nodeType === "Literal" &&
    typeof value.arguments[0].value === "string"
  ) {
    return keccak256(toBytes(value.arguments[0].value));
  }
  throw new Error(`Cannot work out ${contract}.${node.name} (${typeString || value?.nodeType}) at codegen.`);
}

/**
 * Every enum and public constant of our own sources (`contracts/`) in a solc standard-JSON output,
 * read from the AST, so the TypeScript side never copies a status number or a duration by hand.
 * Enum names must be unique across the sources (they are exported by short name).
 */
export function contractFacts(output: { sources: Record<string, { ast: unknown }> }): {
  enums: EnumFact[];
  constants: ConstantFact[];
} {
  const enums = new Map<string, EnumFact>();
  const constants = new Map<string, ConstantFact>();
  for (const [file, source] of Object.entries(output.sources).sort(([a], [b]) => a.localeCompare(b))) {
    if (!file.startsWith("contracts/")) continue;
    walk(source.ast, (node, contract) => {
      if (node.nodeType === "EnumDefinition" && node.name) {
        const fact = {
          name: node.name,
          canonicalName: node.canonicalName ?? node.name,
          members: (node.members ?? []).map((m) => m.name ?? ""),
        };
        const seen = enums.get(node.name);
        if (seen && seen.canonicalName !== fact.canonicalName) {
          throw new Error(`Two enums are named ${node.name} (${seen.canonicalName}, ${fact.canonicalName}).`);
        }
        enums.set(node.name, fact);
      }
      if (node.nodeType === "VariableDeclaration" && node.constant && node.visibility === "public" && node.name) {
        const owner = contract ?? file;
        const seen = constants.get(node.name);
        const fact = {
          contract: owner,
          name: node.name,
          type: node.typeDescriptions?.typeString ?? "",
          value: constantValue(node, owner),
        };
        if (seen && seen.value !== fact.value) {
          throw new Error(
            `Two public constants are named ${node.name} with different values (${seen.contract}, ${owner}).`,
          );
        }
        constants.set(node.name, fact);
      }
    });
  }
  return { enums: [...enums.values()], constants: [...constants.values()] };
}

/** The custom errors of the deployed contracts' ABIs, merged by name (inherited ones appear once). */
export function contractErrors(abis: Record<string, readonly unknown[]>): ErrorFact[] {
  const byName = new Map<string, ErrorFact>();
  for (const [contract, abi] of Object.entries(abis)) {
    for (const entry of abi) {
      const item = entry as { type?: string; name?: string; inputs?: { name?: string }[] };
      if (item.type !== "error" || !item.name) continue;
      const fact = byName.get(item.name) ?? {
        name: item.name,
        contracts: [],
        inputs: (item.inputs ?? []).map((i) => i.name ?? ""),
      };
      fact.contracts.push(contract);
      byName.set(item.name, fact);
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
