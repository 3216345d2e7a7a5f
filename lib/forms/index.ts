/** Structured clinical forms: checking, FHIR R4 mapping, record categories and trends. See README.md. */
export * from "./forms";
export { vitalsFormSchema, glucoseMgDl, type VitalsForm, type VitalsFormInput } from "./vitals";
export { cardiacFormSchema, type CardiacForm, type CardiacFormInput } from "./cardiac";
export { dermatologyFormSchema, type DermatologyForm, type DermatologyFormInput } from "./dermatology";
export { dentistryFormSchema, TOOTH_SURFACES, type DentistryForm, type DentistryFormInput } from "./dentistry";
export { toFdi, TOOTH_NOTATIONS, type ToothNotation } from "./teeth";
export { OBSERVATION_CODES } from "./codes";
export { extractTrends, TREND_METRICS, TREND_UNITS, type TrendMetric, type TrendPoint, type Trends } from "./trends";
export { CONCENTRATION_UNITS, fromMgDl, MG_DL_PER_MMOL_L, toMgDl, type Analyte, type ConcentrationUnit } from "./units";
