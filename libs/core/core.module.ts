import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from './config/app-config';
import { Clock, SystemClock } from './clock';
import { LOGGER } from './logging/logger.token';
import type { Logger } from './logging/logger';

/** Makes the validated configuration, the root logger and the clock available everywhere. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: Clock, useClass: SystemClock },
      ],
      exports: [APP_CONFIG, LOGGER, Clock],
    };
  }
}
