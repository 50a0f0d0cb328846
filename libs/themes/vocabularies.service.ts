import { Injectable } from '@nestjs/common';
import { COMPLAINT_VOCABULARIES } from '@scrutiny/complaints';
import { CASE_KIND_SPECS, recordFieldVocabularies, VOCABULARIES, type Vocabulary } from '@scrutiny/records';
import { ThemesService } from './themes.service';

export interface VocabulariesView {
  /** Every vocabulary by name: what it is, and each code's words. `theme` is the theme vocabulary as it stands. */
  vocabularies: Record<string, Vocabulary>;
  /** Which vocabulary labels each coded field of each record kind. */
  recordFields: Record<string, Record<string, string>>;
}

/** The words for every code a record or a review form uses (`GET /api/v1/vocabularies`). */
@Injectable()
export class VocabulariesService {
  constructor(private readonly themes: ThemesService) {}

  async all(): Promise<VocabulariesView> {
    // Retired themes too: forms saved before they were retired still carry their codes.
    const themes = await this.themes.list({ includeRetired: true });
    return {
      vocabularies: {
        ...VOCABULARIES,
        // The complaints register's codes (IOPC categories, protected characteristics, handling, outcomes).
        ...COMPLAINT_VOCABULARIES,
        theme: { label: 'Theme', codes: Object.fromEntries(themes.map((t) => [t.code, t.label])) },
      },
      recordFields: recordFieldVocabularies(Object.values(CASE_KIND_SPECS)),
    };
  }
}
