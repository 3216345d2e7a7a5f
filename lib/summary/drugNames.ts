/**
 * Which drug a name stands for, whatever name a note, a form or a prescription uses: a brand
 * ("Coumadin"), a generic ("warfarin 5 mg"), an international or older name ("paracetamol",
 * "frusemide"), an abbreviation ("APAP", "HCTZ") or a combination ("Percocet", "hydrocodone/APAP").
 * A name becomes its active ingredients (lexicon/ingredients.ts), each a set of words; amounts,
 * units and forms are no part of it. One matcher for every place that asks "the same drug?": a
 * summary's stops, the reconciled list, the prescribing check. Universal: no Node-only APIs.
 */
import { INGREDIENTS_OF_NAME } from "./lexicon/ingredients";

/** One active ingredient: the words that name it ("metoprolol", or "metoprolol succinate"). */
export type Ingredient = readonly string[];
/** A drug's name, or its ingredients read once by {@link ingredientsOf} to compare it with many names. */
export type DrugName = string | readonly Ingredient[];

/** Words of a drug's name that are no part of which drug it is: amounts ("40mg" too), units, forms, routes. */
const NOT_THE_DRUG =
  /^(?:\d[\d.,]*(?:%|[a-z]{0,3})|mg|mcg|g|ml|unt|units?|iu|meq|hr|h|day|actuat|oral|tablets?|tab|capsules?|cap|injections?|injectable|solution|suspension|extended|release|delayed|chewable|prefilled|syringe|auto-injector|inhalers?|inhalation|spray|nasal|topical|cream|ointment|patch|transdermal|pack|daily|po|iv|er|xr|sr|cr|xl|la|dr)$/;

/** Where one name lists several drugs: "hydrocodone/APAP", "A + B", "acetaminophen with codeine". */
const BETWEEN_DRUGS = /\/|\+|&|\band\b|\bwith\b/i;

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
for (const line of INGREDIENTS_OF_NAME.split("\n")) {
  if (line.startsWith("#")) continue;
  const [name, ingredients] = line.split("=").map((s) => s.trim());
  if (!name || !ingredients) continue;
  // Keyed as a name in a note is read ("goody's" as "goody s"), so that the two meet.
  TABLE.set(
    wordsOf(name).join(" "),
    ingredients.split("+").map((i) => i.trim().split(" ")),
  );
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

/** The ingredients one part of a name (no "/" or "with" inside) stands for. */
function ingredientsOfPart(part: string): Ingredient[] {
  const words = wordsOf(part);
  const named: Ingredient[] = [];
  const rest: string[] = [];
  for (let i = 0; i < words.length;) {
    let matched = 0;
    for (let n = Math.min(LONGEST_NAME, words.length - i); n > 0 && matched === 0; n--) {
      const found = TABLE.get(words.slice(i, i + n).join(" "));
      // "Tylenol PM" is not Tylenol: a brand followed by a variant's word is read by its words.
      if (found && VARIANT.test(words[i + n] ?? "")) return unknown(words);
      if (found) {
        named.push(...found);
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
const CACHE = new Map<string, readonly Ingredient[]>();
const CACHE_SIZE = 2000;

const key = (ingredient: Ingredient) => [...ingredient].sort().join(" ");

/**
 * The active ingredients `name` stands for, each once: "Percocet 5/325" is oxycodone and
 * acetaminophen, "Toprol XL 50 mg" metoprolol, "Vitamin D3 1000 units" vitamin d3. Empty when
 * the name has no word that could name a drug.
 */
export function ingredientsOf(name: DrugName): readonly Ingredient[] {
  if (typeof name !== "string") return name;
  const cached = CACHE.get(name);
  if (cached) return cached;
  const byKey = new Map<string, Ingredient>();
  // "Tylenol 3", "Tylenol No. 3": the number names the product (with codeine), not a strength.
  const read = name.slice(0, MAX_NAME_LENGTH).replace(/\btylenol\s*(?:#|no\.?)?\s*([2-4])\b/gi, "tylenol #$1");
  for (const part of read.split(BETWEEN_DRUGS)) {
    for (const ingredient of ingredientsOfPart(part)) byKey.set(key(ingredient), ingredient);
  }
  const ingredients = [...byKey.values()];
  if (CACHE.size >= CACHE_SIZE) CACHE.clear();
  CACHE.set(name, ingredients);
  return ingredients;
}

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
 * "warfarin 5 mg": "warfarin"), for grouping many names at once; null when it does not.
 */
export function drugKey(name: DrugName): string | null {
  const ingredients = ingredientsOf(name);
  if (ingredients.length === 0 || ingredients.some((i) => UNKNOWN.has(i))) return null;
  return ingredients.map(key).sort().join(" + ");
}

/** Every ingredient of `part` is one of `whole`'s. */
function within(part: readonly Ingredient[], whole: readonly Ingredient[]): boolean {
  return part.length > 0 && part.every((p) => whole.some((w) => sameIngredient(p, w)));
}

/**
 * Whether two names are one drug: the same active ingredients, however named ("Coumadin" and
 * "warfarin 5 mg", "Toprol" and "metoprolol succinate ER", "Percocet" and "oxycodone /
 * acetaminophen"); not "Vitamin E" and "Vitamin D", nor "Percocet" and "acetaminophen".
 */
export function sameDrug(a: DrugName, b: DrugName): boolean {
  const x = ingredientsOf(a);
  const y = ingredientsOf(b);
  return x.length === y.length && within(x, y) && within(y, x);
}

/**
 * Whether `whole` contains every ingredient `part` names: "Percocet" contains "oxycodone" (and
 * "Percocet"), "oxycodone" does not contain "Percocet".
 */
export function containsDrug(whole: DrugName, part: DrugName): boolean {
  return within(ingredientsOf(part), ingredientsOf(whole));
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
  const said = ` ${name.slice(0, MAX_NAME_LENGTH).split(BETWEEN_DRUGS).flatMap(wordsOf).join(" ")} `;
  return ingredients.some((i) => !said.includes(` ${i} `)) ? ingredients.join(" and ") : null;
}
