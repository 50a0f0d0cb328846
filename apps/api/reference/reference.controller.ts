import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, Permission } from '@scrutiny/auth';
import { reviewFormDocument } from '@scrutiny/review';
import { VocabulariesService } from '@scrutiny/themes';
import { ReviewFormResponse, VocabulariesResponse } from './reference.dto';

/**
 * What the codes and forms mean. Open to every signed-in user: reviewers and raters fill the forms, and analysts and
 * admins read the same words in reports and configuration; neither holds case data.
 */
@ApiTags('reference')
@Controller()
export class ReferenceController {
  constructor(private readonly vocabularies: VocabulariesService) {}

  @Get('review-forms/:kind')
  @Authorize(Permission.SELF)
  @ApiOperation({
    summary:
      'The review form of a record kind (stop_search, vehicle_stop, use_of_force) as JSON Schema, generated from the definition that checks reviews, ratings and findings; with a draft schema and examples',
  })
  @ApiOkResponse({ type: ReviewFormResponse })
  reviewForm(@Param('kind') kind: string) {
    return reviewFormDocument(kind);
  }

  @Get('vocabularies')
  @Authorize(Permission.SELF)
  @ApiOperation({
    summary: 'The words for every code a record or a review form uses (and the themes), by vocabulary',
  })
  @ApiOkResponse({ type: VocabulariesResponse })
  list() {
    return this.vocabularies.all();
  }
}
