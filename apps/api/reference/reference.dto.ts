import { ApiProperty } from '@nestjs/swagger';

class FindingFormPart {
  @ApiProperty({ description: 'JSON Schema (2020-12) of the complete form: what submitting requires' }) schema: object;
  @ApiProperty({ description: 'A complete example' }) example: object;
}

class ReviewFormPart extends FindingFormPart {
  @ApiProperty({
    description: 'JSON Schema of a draft: any question may be left out, but every answer given must be one allowed',
  })
  draft: object;
}

export class ReviewFormResponse {
  @ApiProperty({ enum: ['stop_search', 'vehicle_stop', 'use_of_force'] }) kind: string;
  @ApiProperty({ example: 'Vehicle stop' }) label: string;
  @ApiProperty({ description: 'Supervisors’ reviews and panel members’ ratings of a record of this kind' })
  review: ReviewFormPart;
  @ApiProperty({ description: 'A panel’s consensus finding (the same form with the panel’s outcomes)' })
  finding: FindingFormPart;
}

export class VocabulariesResponse {
  @ApiProperty({
    description:
      'By vocabulary name: { label, codes: { code: words } }. Records: record_kind, search_type, legislation, object_of_search, stop_search_outcome, gender, age_range, self_defined_ethnicity, officer_defined_ethnicity, ethnic_group, vehicle_stop_reason, vehicle_stop_outcome, uof_*. Review forms: form_* answers, review_outcome, finding_outcome, form_section, form_criterion (questions by dotted path). theme: the theme vocabulary (retired themes included). A blank code reads “Not recorded”.',
    example: {
      self_defined_ethnicity: {
        label: 'Self-defined ethnicity (Census 2021 categories)',
        codes: { B1: 'Black/African/Caribbean/Black British - African' },
      },
    },
  })
  vocabularies: Record<string, { label: string; codes: Record<string, string> }>;
  @ApiProperty({
    description: 'For each record kind, the vocabulary of each coded field',
    example: { stop_search: { legislation: 'legislation', selfDefinedEthnicity: 'self_defined_ethnicity' } },
  })
  recordFields: Record<string, Record<string, string>>;
}
