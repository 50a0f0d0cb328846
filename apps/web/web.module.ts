import { Module } from '@nestjs/common';
import { RecordsModule } from '@scrutiny/records';
import { NotificationsModule } from '@scrutiny/notifications';
import { PanelsModule } from '@scrutiny/panels';
import { SamplingModule } from '@scrutiny/sampling';
import { StatisticsModule } from '@scrutiny/statistics';
import { ThemesModule } from '@scrutiny/themes';
import { AccountPreferencesController } from './admin/account-preferences.controller';
import { AdminController } from './admin/admin.controller';
import { AdminPanelsController } from './admin/admin-panels.controller';
import { ExplorerController } from './explorer/explorer.controller';
import { LanguageController } from './http/language';
import { WebGuard } from './http/web.guard';
import { WebErrorFilter } from './http/web-error.filter';
import { NotificationsPagesController } from './notifications/notifications.controller';
import { OfficersPagesController } from './officers/officers.controller';
import { PanelPagesController } from './panels/panels-pages.controller';
import { ReviewsPagesController } from './reviews/reviews.controller';
import { FootageAtRiskController, SamplesPagesController } from './samples/samples.controller';
import { SessionsController } from './sessions/sessions.controller';
import { AgendaBuilderController } from './themes/agenda.controller';
import { ThemesPagesController } from './themes/themes.controller';
import { WebSessionsService } from './sessions/web-sessions.service';

/**
 * The web workspace (GOV.UK Design System pages), mounted by the API process at `/`. Its pages call the same lib
 * services as the JSON API with the same Actor; it owns only its sessions. A journey adds its controller here.
 */
@Module({
  imports: [RecordsModule, SamplingModule, ThemesModule, PanelsModule, StatisticsModule, NotificationsModule],
  providers: [WebSessionsService, WebGuard, WebErrorFilter],
  controllers: [
    SessionsController,
    LanguageController,
    AdminController,
    AdminPanelsController,
    AccountPreferencesController,
    ReviewsPagesController,
    SamplesPagesController,
    FootageAtRiskController,
    NotificationsPagesController,
    PanelPagesController,
    ExplorerController,
    ThemesPagesController,
    AgendaBuilderController,
    OfficersPagesController,
  ],
})
export class WebModule {}
