// What an officer's decision may say, shared by the officer's screen and the API.

/** The coded reasons for a rejection (seed step 5), each with free-text remarks beside it. */
export const rejectionReasons = ['documents_insufficient', 'not_resident', 'false_information', 'duplicate', 'other'] as const;
export type RejectionReason = (typeof rejectionReasons)[number];
