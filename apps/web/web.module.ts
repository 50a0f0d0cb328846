import { Module } from '@nestjs/common';
import { PanelsModule } from '@scrutiny/panels';
import { RecordsModule } from '@scrutiny/records';
import { SamplingModule } from '@scrutiny/sampling';
import { ThemesModule } from '@scrutiny/themes';
import { WebGuard } from './http/web.guard';
import { WebErrorFilter } from './http/web-error.filter';
import { NotificationsPagesController } from './notifications/notifications.controller';
import { PanelPagesController } from './panels/panels-pages.controller';
import { ReviewsPagesController } from './reviews/reviews.controller';
import { FootageAtRiskController, SamplesPagesController } from './samples/samples.controller';
import { SessionsController } from './sessions/sessions.controller';
import { WebSessionsService } from './sessions/web-sessions.service';

/**
 * The web workspace (GOV.UK Design System pages), mounted by the API process at `/`. Its pages call the same lib
 * services as the JSON API with the same Actor; it owns only its sessions. A journey adds its controller here.
 */
@Module({
  imports: [RecordsModule, SamplingModule, ThemesModule, PanelsModule],
  providers: [WebSessionsService, WebGuard, WebErrorFilter],
  controllers: [
    SessionsController,
    ReviewsPagesController,
    SamplesPagesController,
    FootageAtRiskController,
    NotificationsPagesController,
    PanelPagesController,
  ],
})
export class WebModule {}
