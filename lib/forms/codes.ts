/**
 * The LOINC codes and UCUM units the forms write, the same ones Synthea writes (../shared/data),
 * so that our forms and imported records land in the same time series. Blood pressure is written
 * as the FHIR vital-signs panel 85354-9; Synthea 2.4 used 55284-4, which trends.ts also reads.
 */
import { MG_DL_PER_MMOL_L } from "./units";

export { LOINC, SNOMED, UCUM } from "../fhir/generalDetails";

/** A LOINC observation code with its display and the UCUM unit its value is written in. */
export interface ObservationCode {
  code: string;
  display: string;
  /** UCUM code; absent for coded or text values. */
  unit?: string;
}

export const OBSERVATION_CODES = {
  height: { code: "8302-2", display: "Body height", unit: "cm" },
  weight: { code: "29463-7", display: "Body weight", unit: "kg" },
  bmi: { code: "39156-5", display: "Body mass index (BMI) [Ratio]", unit: "kg/m2" },
  bloodPressure: { code: "85354-9", display: "Blood pressure panel with all children optional" },
  systolic: { code: "8480-6", display: "Systolic blood pressure", unit: "mm[Hg]" },
  diastolic: { code: "8462-4", display: "Diastolic blood pressure", unit: "mm[Hg]" },
  heartRate: { code: "8867-4", display: "Heart rate", unit: "/min" },
  temperature: { code: "8310-5", display: "Body temperature", unit: "Cel" },
  glucose: { code: "2339-0", display: "Glucose [Mass/volume] in Blood", unit: "mg/dL" },
  glucoseMolar: { code: "15074-8", display: "Glucose [Moles/volume] in Blood", unit: "mmol/L" },
  bloodGroup: { code: "882-1", display: "ABO and Rh group [Type] in Blood" },
  totalCholesterol: { code: "2093-3", display: "Cholesterol [Mass/volume] in Serum or Plasma", unit: "mg/dL" },
  ldl: {
    code: "18262-6",
    display: "Cholesterol in LDL [Mass/volume] in Serum or Plasma by Direct assay",
    unit: "mg/dL",
  },
  hdl: { code: "2085-9", display: "Cholesterol in HDL [Mass/volume] in Serum or Plasma", unit: "mg/dL" },
  triglycerides: { code: "2571-8", display: "Triglyceride [Mass/volume] in Serum or Plasma", unit: "mg/dL" },
  // The same lipids by moles, for a panel entered in mmol/L.
  totalCholesterolMolar: { code: "14647-2", display: "Cholesterol [Moles/volume] in Serum or Plasma", unit: "mmol/L" },
  ldlMolar: { code: "22748-8", display: "Cholesterol in LDL [Moles/volume] in Serum or Plasma", unit: "mmol/L" },
  hdlMolar: { code: "14646-4", display: "Cholesterol in HDL [Moles/volume] in Serum or Plasma", unit: "mmol/L" },
  triglyceridesMolar: {
    code: "14927-8",
    display: "Triglyceride [Moles/volume] in Serum or Plasma",
    unit: "mmol/L",
  },
  ecg: { code: "11524-6", display: "EKG study" },
} as const satisfies Record<string, ObservationCode>;

/** mg/dL of glucose in one mmol/L (molar mass 180.16 g/mol). */
export const GLUCOSE_MG_DL_PER_MMOL_L = MG_DL_PER_MMOL_L.glucose;

export const OBSERVATION_CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category";
export const INTERPRETATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
/** FHIR R4's tooth code system: ISO 3950 (FDI) two-digit tooth numbers. */
export const TOOTH_SYSTEM = "http://terminology.hl7.org/CodeSystem/ex-tooth";
/** FHIR R4's tooth surface code system (FDI surfaces). */
export const SURFACE_SYSTEM = "http://terminology.hl7.org/CodeSystem/FDI-surface";
