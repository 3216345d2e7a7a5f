/**
 * Which drug a name stands for, whatever name a note, a form or a prescription uses: a brand
 * ("Coumadin"), a generic ("warfarin 5 mg"), an international or older name ("paracetamol",
 * "frusemide"), an abbreviation ("APAP", "HCTZ") or a combination ("Percocet", "hydrocodone/APAP").
 * A name becomes its active ingredients (lexicon/ingredients.ts), each a set of words, and the route
 * it is given by when the name says or implies one (one molecule is several products: Protopic
 * ointment and Prograf capsules are both tacrolimus); amounts, units and forms are no part of it.
 * One matcher for every place that asks "the same drug?": the reconciled list's stop flags and the
 * prescribing check. Universal: no Node-only APIs.
 */
import { INGREDIENTS_OF_NAME, ROUTE_OF_BRAND } from "./lexicon/ingredients";

/** One active ingredient: the words that name it ("metoprolol", or "metoprolol succinate"). */
export type Ingredient = readonly string[];

/**
 * How a product is given, as far as it tells products of one molecule apart: for a local effect on
 * the skin, the eye, the ear, the nose, the lungs or the vagina, or for the whole body.
 */
export type Route = "systemic" | "skin" | "eye" | "ear" | "nose" | "lung" | "vagina" | "rectum";

/** What a name stands for: its ingredients, and its route when the name says one or names a brand. */
export interface Drug {
  readonly ingredients: readonly Ingredient[];
  readonly route: Route | null;
  /**
   * The brands it names: a brand named alone is all its products ("Stop Imitrex" is a stop of
   * "Imitrex nasal spray"), whereas two names that each say a route are two products.
   */
  readonly brands: readonly string[];
  /** The route is said in words, not implied by a brand. */
  readonly routeSaid: boolean;
  /**
   * What a variant's brand contains ("Excedrin Migraine", "Claritin Eye"): the product may differ
   * from its brand's plain one, so it is matched by its words, and these are what it may contain.
   */
  readonly mayContain: readonly Ingredient[];
}

/** A drug's name, or what {@link drugOf} read from it once, to compare it with many names. */
export type DrugName = string | Drug;

/**
 * Words that say a route ("Flonase" needs none: its brand says it), read up to a reason ("for ear
 * pain" says nothing of amoxicillin's route). A site (eye, ear, nose, lungs, vagina, rectum) says
 * more than a form: "vaginal cream" is vaginal.
 */
const ROUTE_WORDS: readonly [Route, RegExp][] = [
  ["eye", /\b(?:eyes?|ophthalmic|ophth|opth)\b/],
  ["ear", /\b(?:ears?|otic)\b/],
  ["nose", /\b(?:nasal|intranasal|nose|nostrils?)\b/],
  [
    "lung",
    /\b(?:inhalers?|inhaled|inhalation|nebs?|nebuli[sz](?:er|ed|ation)|mdi|hfa|diskus|respimat|handihaler|ellipta)\b/,
  ],
  ["skin", /\b(?:creams?|ointments?|oint|lotions?|topical|topically|shampoo|cutaneous|affected areas?)\b/],
  ["vagina", /\b(?:vaginal|vaginally|intravaginal|pessar(?:y|ies)|pv)\b/],
  ["rectum", /\b(?:rectal|rectally|suppositor(?:y|ies)|enemas?)\b/],
  [
    "systemic",
    /\b(?:oral|orally|po|tablets?|tabs?|capsules?|caps?|iv|intravenous|im|intramuscular|subcutaneous|subq|sq|injections?|injectable|infusion|drip|sublingual)\b/,
  ],
];

const ROUTES = new Set<string>(ROUTE_WORDS.map(([route]) => route));
const SITES = new Set<Route>(["eye", "ear", "nose", "lung", "vagina", "rectum"]);
/** Where a name stops speaking of the product: its reason ("for", "to treat"). */
const REASON = /\b(?:for|to treat)\b/i;
/** A word after a brand sold by several routes that names another of its products ("Claritin Eye"). */
const ROUTE_VARIANT = /^(?:eyes?|nasal|ear|ears|otic|ophthalmic|cream|ointment|lotion|gel|spray|drops)$/;

/** Words of a drug's name that are no part of which drug it is: amounts ("40mg" too), units, forms, routes. */
const NOT_THE_DRUG =
  /^(?:\d[\d.,]*(?:%|[a-z]{0,3})|mg|mcg|g|ml|unt|units?|iu|meq|hr|h|day|actuat|oral|tablets?|tab|capsules?|cap|injections?|injectable|solution|suspension|extended|release|delayed|chewable|prefilled|syringe|auto-injector|inhalers?|inhalation|spray|nasal|topical|cream|ointment|patch|transdermal|pack|daily|po|iv|er|xr|sr|cr|xl|la|dr)$/;

/** Where one name lists several drugs: "hydrocodone/APAP", "A + B", "acetaminophen with codeine". */
const BETWEEN_DRUGS = /(\/|\+|&|\band\b|\bwith\b)/i;
/** A separator in words, which also joins what is no drug: "with dinner", "and rest". */
const JOINED_BY_WORD = /^(?:and|with)$/i;

/** Longer than any drug's name: the rest is not read (a hostile name cannot cost more). */
const MAX_NAME_LENGTH = 200;

/**
 * Words that, right after a brand, make it another product ("Tylenol PM", "Mucinex DM", "Claritin
 * D", "Excedrin Tension"): the brand is then not read as its plain product's ingredients.
 */
const VARIANT =
  /^(?:pm|dm|d|pe|complete|ultra|360|tension|migraine|cold|flu|sinus|allergy|nighttime|night|plus|hbp|cough|congestion|chest|max|severe|multi-symptom)$/;

/** Name (brand, synonym, abbreviation; lower case, words joined by one space) to its ingredients. */
const TABLE = new Map<string, Ingredient[]>();
/** Brands (a product, so a route: systemic unless ROUTE_OF_BRAND says otherwise; null: several). */
const BRAND_ROUTE = new Map<string, Route | null>();
let brands = false;
for (const line of INGREDIENTS_OF_NAME.split("\n")) {
  if (line.startsWith("# Brand")) brands = true;
  if (line.startsWith("#")) continue;
  const [name, ingredients] = line.split("=").map((s) => s.trim());
  if (!name || !ingredients) continue;
  // Keyed as a name in a note is read ("goody's" as "goody s"), so that the two meet.
  const key = wordsOf(name).join(" ");
  TABLE.set(
    key,
    ingredients.split("+").map((i) => i.trim().split(" ")),
  );
  if (brands) BRAND_ROUTE.set(key, "systemic");
  // "Claritin D", "Klor Con", "Z Pak": a hyphenated name written with a space.
  const spaced = wordsOf(key.replace(/-/g, " ")).join(" ");
  if (spaced !== key && !/(?:^|-)\d/.test(key) && !TABLE.has(spaced)) {
    TABLE.set(spaced, TABLE.get(key) ?? []);
    if (brands) BRAND_ROUTE.set(spaced, "systemic");
  }
}
for (const line of ROUTE_OF_BRAND.split("\n")) {
  const [name, route] = line.split("=").map((s) => s.trim());
  const key = name ? wordsOf(name).join(" ") : "";
  for (const written of new Set([key, key.replace(/-/g, " ")])) {
    if (BRAND_ROUTE.has(written)) BRAND_ROUTE.set(written, ROUTES.has(route) ? (route as Route) : null);
  }
}
// A brand given by an older name of its generic ("Depakote = divalproex") ends at the current one.
for (const [name, ingredients] of TABLE) {
  TABLE.set(
    name,
    ingredients.flatMap((i) => {
      const same = TABLE.get(i.join(" "));
      return same && same !== ingredients ? same : [i];
    }),
  );
}
// Every generic the table names is a name too, whole ("ethinyl estradiol" is not estradiol,
// "insulin glargine" not any insulin), so that a note's "metoprolol succinate" finds metoprolol.
for (const ingredient of [...TABLE.values()].flat()) {
  const name = wordsOf(ingredient.join(" ")).join(" ");
  if (name && !TABLE.has(name)) TABLE.set(name, [ingredient]);
}
const LONGEST_NAME = Math.max(...[...TABLE.keys()].map((k) => k.split(" ").length));

/** Lower-case words of one part of a name, amounts, units and forms left out ("#3" kept: "Tylenol #3"). */
function wordsOf(part: string): string[] {
  return part
    .toLowerCase()
    .split(/[^\p{L}\p{N}#.-]+/u)
    .map((w) => w.replace(/^[.-]+|[.-]+$/g, ""))
    .filter((w) => w !== "" && w !== "#" && !NOT_THE_DRUG.test(w));
}

/** "hydrocodone-acetaminophen": a hyphenated word whose every piece is a name the table knows. */
function hyphenatedDrugs(word: string): Ingredient[] | null {
  if (!word.includes("-") || TABLE.has(word)) return null;
  const pieces = word.split("-");
  if (pieces.length < 2 || !pieces.every((p) => TABLE.has(p))) return null;
  return pieces.flatMap((p) => TABLE.get(p) ?? []);
}

/** Ingredients read from words the table does not know: compared by their words (see sameIngredient). */
const UNKNOWN = new WeakSet<Ingredient>();

/** What reading a name finds besides its ingredients. */
interface Found {
  /** The route of each brand named. */
  routes: (Route | null)[];
  brands: string[];
  mayContain: Ingredient[];
}

/** The ingredients one part of a name (no "/" or "with" inside) stands for. */
function ingredientsOfPart(part: string, seen: Found): Ingredient[] {
  const words = wordsOf(part);
  const named: Ingredient[] = [];
  const rest: string[] = [];
  for (let i = 0; i < words.length;) {
    let matched = 0;
    for (let n = Math.min(LONGEST_NAME, words.length - i); n > 0 && matched === 0; n--) {
      const name = words.slice(i, i + n).join(" ");
      const found = TABLE.get(name);
      const route = BRAND_ROUTE.get(name);
      // "Excedrin PM" is not Excedrin, nor "Claritin Eye" Claritin: a brand followed by a variant's
      // word is read by its words, and may contain what its brand does.
      const next = words[i + n] ?? "";
      if (found && (VARIANT.test(next) || (route === null && ROUTE_VARIANT.test(next)))) {
        seen.mayContain.push(...found);
        return unknown(words);
      }
      if (found) {
        named.push(...found);
        if (route !== undefined) {
          seen.routes.push(route);
          seen.brands.push(name);
        }
        matched = n;
      }
    }
    if (matched === 0) {
      const pieces = hyphenatedDrugs(words[i]);
      if (pieces) named.push(...pieces);
      else rest.push(words[i]);
      matched = 1;
    }
    i += matched;
  }
  // Beside a name the table knows, the other words are its salt, strength, form or directions
  // ("metoprolol succinate", "Albuterol HFA 2 puffs q4h prn"); with none, they are all there is.
  return named.length > 0 ? named : unknown(rest);
}

function unknown(words: string[]): Ingredient[] {
  if (words.length === 0) return [];
  UNKNOWN.add(words);
  return [words];
}

/** Names read lately: the reconciled list asks about the same few names many times. */
const CACHE = new Map<string, Drug>();
const CACHE_SIZE = 2000;

const key = (ingredient: Ingredient) => [...ingredient].sort().join(" ");

/**
 * What `name` stands for. Ingredients, each once: "Percocet 5/325" is oxycodone and acetaminophen,
 * "Toprol XL 50 mg" metoprolol, "Vitamin D3 1000 units" vitamin d3; none when the name has no word
 * that could name a drug. Route: the one its words say ("tacrolimus ointment": skin, "Atorvastatin
 * 40 MG Oral Tablet": systemic), else its brand's ("Protopic": skin, "Prograf": systemic), else
 * none ("tacrolimus"), and none when they disagree.
 */
export function drugOf(name: DrugName): Drug {
  if (typeof name !== "string") return name;
  const cached = CACHE.get(name);
  if (cached) return cached;
  const read = name
    .slice(0, MAX_NAME_LENGTH)
    // "Tylenol #3", "Tylenol No. 3", a bare "Tylenol 3": with codeine ("Tylenol 2 tabs" is not).
    .replace(/\btylenol\s*(?:#\s*|no\.?\s*)([2-4])\b|\btylenol\s+([2-4])(?=\s*(?:$|[,;)]))/gi, "tylenol #$1$2")
    // "Novolog 70/30", "Humalog 75/25": the premixed insulin.
    .replace(/\b(humalog|novolog)\s+(?:mix\s+)?\d{2}\s*\/\s*\d{2}\b/gi, "$1 mix")
    // "5/325", "20/12.5": strengths, not two drugs.
    .replace(/\b\d[\d.]*\s*\/\s*\d[\d.]*/g, " ");
  const seen: Found = { routes: [], brands: [], mayContain: [] };
  const byKey = new Map<string, Ingredient>();
  const joinedUnknown: Ingredient[] = [];
  // Parts and their separators, alternating: "Coumadin", "with", "dinner".
  const pieces = read.split(BETWEEN_DRUGS);
  for (let k = 0; k < pieces.length; k += 2) {
    for (const ingredient of ingredientsOfPart(pieces[k], seen)) {
      // "Coumadin 5 mg with dinner", "Tylenol and rest": what "and" or "with" joins counts only
      // when it names a drug the table knows, or nothing else in the name does.
      if (k > 0 && UNKNOWN.has(ingredient) && JOINED_BY_WORD.test(pieces[k - 1])) joinedUnknown.push(ingredient);
      else byKey.set(key(ingredient), ingredient);
    }
  }
  if ([...byKey.values()].every((i) => UNKNOWN.has(i))) {
    for (const ingredient of joinedUnknown) byKey.set(key(ingredient), ingredient);
  }
  const spoken = read.split(REASON)[0].toLowerCase();
  const said = ROUTE_WORDS.filter(([, words]) => words.test(spoken)).map(([route]) => route);
  // A site says more than a form of the skin's: "vaginal cream".
  const sited = said.some((route) => SITES.has(route)) ? said.filter((route) => route !== "skin") : said;
  const routes = sited.length > 0 ? sited : seen.routes;
  const drug: Drug = {
    ingredients: [...byKey.values()],
    route: routes.length > 0 && routes.every((r) => r === routes[0]) ? routes[0] : null,
    brands: seen.brands,
    routeSaid: sited.length > 0,
    mayContain: seen.mayContain,
  };
  if (CACHE.size >= CACHE_SIZE) CACHE.clear();
  CACHE.set(name, drug);
  return drug;
}

/** The active ingredients `name` stands for (see {@link drugOf}). */
export function ingredientsOf(name: DrugName): readonly Ingredient[] {
  return drugOf(name).ingredients;
}

/** Two routes that may be one product's: the same, either unknown, or a brand named alone and again. */
const sameRoute = (a: Drug, b: Drug) =>
  a.route === null ||
  b.route === null ||
  a.route === b.route ||
  (!(a.routeSaid && b.routeSaid) && a.brands.some((brand) => b.brands.includes(brand)));

/**
 * One ingredient named two ways. Two the table knows: the same generic ("estradiol" is not "ethinyl
 * estradiol"). Otherwise by words: every word of the shorter is in the longer ("Vitamin D3" and
 * "vitamin d3 drops"; "Vitamin E" is not "Vitamin D").
 */
function sameIngredient(a: Ingredient, b: Ingredient): boolean {
  if (!UNKNOWN.has(a) && !UNKNOWN.has(b)) return key(a) === key(b);
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.every((w) => long.includes(w));
}

/**
 * A key that two names of one drug share when the table knows all its ingredients ("Coumadin" and
 * "warfarin 5 mg": "warfarin"; "Protopic": "tacrolimus @skin"), for grouping many names at once;
 * null when it does not.
 */
export function drugKey(name: DrugName): string | null {
  const { ingredients, route } = drugOf(name);
  if (ingredients.length === 0 || ingredients.some((i) => UNKNOWN.has(i))) return null;
  const local = route && route !== "systemic" ? ` @${route}` : "";
  return ingredients.map(key).sort().join(" + ") + local;
}

/** Every ingredient of `part` is one of `whole`'s. */
function within(part: readonly Ingredient[], whole: readonly Ingredient[]): boolean {
  return part.length > 0 && part.every((p) => whole.some((w) => sameIngredient(p, w)));
}

/**
 * Whether two names are one drug: the same active ingredients by a route that may be the same,
 * however named ("Coumadin" and "warfarin 5 mg", "Toprol" and "metoprolol succinate ER",
 * "Percocet" and "oxycodone / acetaminophen", "tacrolimus" and "Prograf"); not "Vitamin E" and
 * "Vitamin D", "Percocet" and "acetaminophen", nor "Protopic" and "Prograf".
 */
export function sameDrug(a: DrugName, b: DrugName): boolean {
  const x = drugOf(a);
  const y = drugOf(b);
  return (
    x.ingredients.length === y.ingredients.length &&
    sameRoute(x, y) &&
    within(x.ingredients, y.ingredients) &&
    within(y.ingredients, x.ingredients)
  );
}

/** The ingredients of `a` that `b` has too, as `a` names them ("Percocet", "Tylenol": ["acetaminophen"]). */
export function sharedIngredients(a: DrugName, b: DrugName): string[] {
  const y = ingredientsOf(b);
  return ingredientsOf(a)
    .filter((i) => y.some((j) => sameIngredient(i, j)))
    .map((i) => i.join(" "));
}

/**
 * The generic names of what `name` stands for when the name does not say them, for a reader who
 * knows the drug by another name: "warfarin" for "Coumadin 5 mg", "oxycodone and acetaminophen"
 * for "Percocet"; null for "warfarin 5 mg", "Lasix (furosemide)" or a name the table lacks.
 */
export function genericNameOf(name: string): string | null {
  const ingredients = ingredientsOf(name).map((i) => i.join(" "));
  const said = ` ${name
    .slice(0, MAX_NAME_LENGTH)
    .split(BETWEEN_DRUGS)
    .filter((_, k) => k % 2 === 0)
    .flatMap(wordsOf)
    .join(" ")} `;
  return ingredients.some((i) => !said.includes(` ${i} `)) ? ingredients.join(" and ") : null;
}
