// What an officer's decision may say, shared by the officer's screen and the API.

/** The coded reasons for a rejection (seed step 5), each with free-text remarks beside it. */
export const rejectionReasons = ['documents_insufficient', 'not_resident', 'false_information', 'duplicate', 'other'] as const;
export type RejectionReason = (typeof rejectionReasons)[number];

/**
 * Photo IDs a counter accepts from whoever collects or prints a certificate (issue 13), the identity proofs of the
 * seed's document table.
 */
export const idTypes = ['epic', 'aadhaar', 'pan', 'passport', 'driving_licence', 'ration_card', 'govt_id'] as const;
export type IdType = (typeof idTypes)[number];

/** Who collected a certificate, relative to the applicant. */
export const collectorRelations = ['self', 'father', 'mother', 'spouse', 'son', 'daughter', 'sibling', 'other'] as const;
