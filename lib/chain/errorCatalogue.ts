import { contractErrors, type ContractErrorName } from "../../deployments/contracts";

/**
 * One plain sentence per custom error of EhrCore and AppointmentBook: what happened, then what to
 * do next. Every refusal a person meets is read from here (the record flows, the dApp's writes,
 * the admin's tasks), so no screen says only "the chain refused". `satisfies` makes the compiler
 * refuse a missing or a stale name when the contracts change (and errorCatalogue.test.ts says which).
 */
export const errorSentences = {
  // OpenZeppelin access control (admin handover)
  AccessControlBadConfirmation: "Only the account itself can renounce its role: sign with that account.",
  AccessControlEnforcedDefaultAdminDelay:
    "The admin handover is still in its waiting period: try again once the delay has passed.",
  AccessControlEnforcedDefaultAdminRules:
    "The admin role changes only through the two-step handover: begin it, then accept it from the new account.",
  AccessControlInvalidDefaultAdmin:
    "This account is not the pending admin: accept the handover from the account it was offered to.",
  AccessControlUnauthorizedAccount:
    "This account does not have the role this action needs: sign with the admin (or the hospital) account.",
  // Reading and writing records
  AccessUnauthorized:
    "You are not allowed to read this record now: ask the patient for access, or use emergency access if this is an emergency.",
  RecordAlreadySuperseded:
    "This record has already been replaced by a newer version: open the latest one and amend that.",
  RecordAppointmentWindowClosed:
    "The write-up window for this appointment is not open: records can be filed from the start of the appointment until 24 hours after it.",
  RecordCategoryInvalid: "This record category does not exist: choose one of the listed categories.",
  RecordPointerInvalid: "The record's storage address or hash is missing: upload the file again.",
  RecordUnknown: "This record does not exist: refresh the list of records.",
  RecordWriteUnauthorized:
    "You are not allowed to add records of this category for this patient: ask the patient for access to it, or file it under an appointment.",
  // Appointments
  AppointmentBookAlreadySet: "The appointment book is already linked to this system: nothing to do.",
  AppointmentCallerNotDoctor: "Only the appointment's doctor can do this.",
  AppointmentCallerNotParty: "Only the patient or the doctor of this appointment can do this.",
  AppointmentCallerNotPatient: "Only the appointment's patient can do this.",
  AppointmentCoreInvalid: "The appointment book was deployed against an invalid core contract: redeploy it.",
  AppointmentDoctorInactive: "This doctor is not taking appointments now (not active): choose another doctor.",
  AppointmentInvalidTransition:
    "The appointment cannot change to that state from its current one: refresh to see where it stands.",
  AppointmentNotStarted: "The appointment has not started yet: complete it once its time has come.",
  AppointmentOutcomeInvalid: "The outcome record is not one of this patient's records: choose a record filed for them.",
  AppointmentSlotInvalid:
    "This time is not a valid slot: choose a half-hour slot in the future and within the booking horizon.",
  AppointmentSlotTaken: "Someone else has just booked this slot: choose another time.",
  AppointmentSlotUnavailable: "The doctor is not available at this time: choose a slot from their published hours.",
  AppointmentUnknown: "This appointment does not exist: refresh your appointments.",
  // Consent
  ConsentCallerNotAppointmentBook: "Only the appointment book can share records at booking.",
  ConsentDurationOutOfRange:
    "The access period is too short or longer than the longest allowed: choose a shorter period.",
  ConsentExpiryOutOfRange: "The access expiry is in the past or beyond the longest allowed grant: choose another date.",
  ConsentNoCategories: "Choose at least one category to share.",
  ConsentNotFound: "There is no active access grant for this doctor: nothing to revoke.",
  ConsentRequestNotFound: "There is no pending access request from this doctor: refresh your requests.",
  // Providers and hospitals
  DoctorAccountTaken: "This account is already registered (as a patient, doctor or hospital): use another account.",
  DoctorStatusUnchanged: "The doctor already has this status: nothing to change.",
  DoctorSuspended: "This doctor's account is suspended: the admin must reinstate it first.",
  DoctorUnknown: "This account is not an onboarded doctor: ask the admin to onboard it.",
  HospitalAccountTaken: "This account is already registered: use another account for the hospital.",
  HospitalInactive: "This hospital is suspended: the admin must reactivate it first.",
  HospitalStatusUnchanged: "The hospital already has this status: nothing to change.",
  HospitalUnknown: "This hospital does not exist: check the hospital number.",
  ProviderInvalidInput: "A field of the doctor's or hospital's details is missing or too long: check it and try again.",
  // Patients and keys
  PatientAccountTaken: "This account is already registered: sign in with it, or use another account for a new patient.",
  PatientNotPending: "This patient is not waiting for approval: nothing to approve.",
  PatientOptOutUnchanged: "Emergency access is already set this way: nothing to change.",
  PatientPending: "Your registration is waiting for a hospital's approval: try again once it is approved.",
  PatientUnknown: "This account is not a registered patient: register first.",
  EncryptionKeyHolderUnknown: "Only a registered patient or doctor can set an encryption key: register first.",
  EncryptionKeyInvalid: "The encryption key is not a valid public key: set up your key again.",
  // Emergency access
  EmergencyAlreadyOpen: "You already have emergency access to this patient: open their emergency card.",
  EmergencyAlreadyReviewed: "This emergency access has already been reviewed: nothing to do.",
  EmergencyDailyLimitReached:
    "You have reached today's limit of emergency openings (it resets at midnight UTC): ask a colleague or the administrator.",
  EmergencyJustificationMissing: "Emergency access needs a reason and a written justification: fill in both.",
  EmergencyOptedOut: "This patient has opted out of emergency access: treat them without their record.",
  EmergencyPolicyInvalid: "The emergency cool-down is longer than the longest allowed: choose a shorter one.",
  EmergencySecondReasonRequired:
    "You opened emergency access to this patient recently: to open it again, write a second justification that differs from the first.",
  EmergencyUnknown: "This emergency access does not exist: check its number.",
  // System
  EnforcedPause:
    "The system is paused for maintenance or an incident: changes are not accepted right now; try again later.",
  ExpectedPause: "The system is not paused: nothing to resume.",
  PolicyInvalid: "The policy values are out of range: check them and try again.",
  SafeCastOverflowedUintDowncast: "A number is too large for the chain to store: check the values entered.",
} as const satisfies Record<ContractErrorName, string>;

/** The sentence for a custom error's name, or undefined for a name the contracts do not have. */
export function sentenceFor(errorName: string): string | undefined {
  return Object.hasOwn(errorSentences, errorName) ? errorSentences[errorName as ContractErrorName] : undefined;
}

/** The names of every custom error the deployed contracts carry (generated from their ABIs). */
export const contractErrorNames = Object.keys(contractErrors) as ContractErrorName[];
