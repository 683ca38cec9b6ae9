// The Enquiry Officer's field report (seed step 4), one schema for the phone that writes it offline and the API
// that receives it. Messages are catalogue keys.
import { multilineText } from './text.ts';
import { z } from './zod.ts';

export const recommendations = ['recommend', 'do_not_recommend'] as const;

export const reportSchema = z
  .object({
    /** The application's version the officer downloaded: a report on an enquiry since reassigned is refused. */
    version: z.number('field.invalid').int().min(1),
    visitedAt: z.iso.datetime({ offset: true, message: 'field.visited_at' }),
    findings: multilineText(10, 4000, 'field.findings'),
    recommendation: z.enum(recommendations, 'field.recommendation'),
    /** From the phone's GPS; accuracy in metres, as the Geolocation API gives it. */
    position: z
      .object({
        latitude: z.number().min(-90).max(90),
        longitude: z.number().min(-180).max(180),
        accuracy: z.number().min(0).max(100_000)
      })
      .optional(),
    /** Where the officer was, in words, when the phone would not share its position. */
    locationNote: multilineText(0, 500, 'field.location_note').optional(),
    photos: z.array(z.uuid('field.photos'), 'field.photos').max(6, 'field.photos').default([])
  })
  // Checked even when other fields are wrong (`when`), so the officer hears of every problem at once.
  .refine((r) => !!r.position || (r.locationNote?.length ?? 0) >= 3, {
    path: ['locationNote'],
    message: 'field.location_note',
    when: (payload) => typeof payload.value === 'object' && payload.value !== null
  });

export type ReportInput = z.infer<typeof reportSchema>;
